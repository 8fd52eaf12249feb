' expect: list too long
l = [1, 2]
FOR i = 1 TO 100
  l = l + l
NEXT
TALK UBOUND(l)
