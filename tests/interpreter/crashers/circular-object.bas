' expect: contains itself
' (x.b = x stores a copy of x, as Rhai does; the in-place statement does not copy)
x = {"a": []}
x.a.push(x)
SET BOT MEMORY "k", x
