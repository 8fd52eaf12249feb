' expect: loops are nested too deeply
' Python allows 20 nested loop blocks; this was a SyntaxError inside Talkbench
FOR i0 = 1 TO 2
FOR i1 = 1 TO 2
FOR i2 = 1 TO 2
FOR i3 = 1 TO 2
FOR i4 = 1 TO 2
FOR i5 = 1 TO 2
FOR i6 = 1 TO 2
FOR i7 = 1 TO 2
FOR i8 = 1 TO 2
FOR i9 = 1 TO 2
FOR i10 = 1 TO 2
FOR i11 = 1 TO 2
FOR i12 = 1 TO 2
FOR i13 = 1 TO 2
FOR i14 = 1 TO 2
FOR i15 = 1 TO 2
FOR i16 = 1 TO 2
FOR i17 = 1 TO 2
FOR i18 = 1 TO 2
FOR i19 = 1 TO 2
FOR i20 = 1 TO 2
FOR i21 = 1 TO 2
FOR i22 = 1 TO 2
FOR i23 = 1 TO 2
FOR i24 = 1 TO 2
TALK 1
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
NEXT
