' expect: out of bounds
x = []
x[10 ** 9] = 1
TALK UBOUND(x)
