' expect: contains itself
x = [1, 2]
x[0] = x
TALK x
