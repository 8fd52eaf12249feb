' expect: would be too long
' TALK of a list: its JSON text grew without limit
s = REPEAT("a", 9000000)
l = []
FOR i = 0 TO 100
  l = l + [s]
NEXT
TALK l
