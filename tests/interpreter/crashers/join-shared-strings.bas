' expect: would exceed
' a list holding one long string many times joined to ~1 GB
s = REPEAT("a", 9000000)
l = []
FOR i = 0 TO 100
  l = l + [s]
NEXT
x = JOIN(l, ",")
TALK LEN(x)
