#include "textflag.h"

// func Barrier()
TEXT ·Barrier(SB), NOSPLIT, $0-0
	MFENCE
	RET
