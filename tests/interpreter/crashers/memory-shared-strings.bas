' expect: would be too long
s = REPEAT("a", 9000000)
l = []
FOR i = 0 TO 100
  l = l + [s]
NEXT
SET BOT MEMORY "k", l
