' expect: too deeply nested to compile
' EXIT FOR from inside DO adds a try block per loop: past Python's 20 nested blocks
FOR i0 = 1 TO 2
  DO WHILE i0 < 0
FOR i1 = 1 TO 2
  DO WHILE i1 < 0
FOR i2 = 1 TO 2
  DO WHILE i2 < 0
FOR i3 = 1 TO 2
  DO WHILE i3 < 0
FOR i4 = 1 TO 2
  DO WHILE i4 < 0
FOR i5 = 1 TO 2
  DO WHILE i5 < 0
FOR i6 = 1 TO 2
  DO WHILE i6 < 0
FOR i7 = 1 TO 2
  DO WHILE i7 < 0
TALK 1
    EXIT FOR
  LOOP
NEXT
    EXIT FOR
  LOOP
NEXT
    EXIT FOR
  LOOP
NEXT
    EXIT FOR
  LOOP
NEXT
    EXIT FOR
  LOOP
NEXT
    EXIT FOR
  LOOP
NEXT
    EXIT FOR
  LOOP
NEXT
    EXIT FOR
  LOOP
NEXT
