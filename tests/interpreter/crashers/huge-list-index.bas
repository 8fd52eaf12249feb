' expect: is too large
x = []
x[10 ** 9] = 1
TALK UBOUND(x)
