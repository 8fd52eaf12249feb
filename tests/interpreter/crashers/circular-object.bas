' expect: contains itself
x = {"a": 1}
x.b = x
SET BOT MEMORY "k", x
