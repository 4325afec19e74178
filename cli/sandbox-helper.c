/* pdpscan-sandbox: the extractor sandbox's helper (scanner/sandbox.h). A worker starts it per
 * document; it locks itself down and execs the tool. Not a command for users. */
#include "scanner/sandbox.h"

int main(int argc, char **argv) { return pd_sandbox_main(argc, argv); }
