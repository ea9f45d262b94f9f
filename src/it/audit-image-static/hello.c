#include <stdio.h>

int main(int argc, char **argv) {
  printf("hello 1.0 (%s)\n", argc > 1 ? argv[1] : "");
  return 0;
}
