/* droplet.c: main and the command line of both front doors. */
#include "common.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "droplet: not implemented yet\n");
	return 2;
}
