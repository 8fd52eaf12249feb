' expect: contains itself
' (x[0] = x stores a copy of x, as Rhai does; the in-place statement does not copy)
x = [1, 2]
x.push(x)
TALK x
