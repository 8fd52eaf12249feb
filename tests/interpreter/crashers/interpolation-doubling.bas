' expect: string too long
' "${s}${s}" bypassed the string cap and exhausted memory
s = "ab"
FOR i = 1 TO 100
  s = "${s}${s}"
NEXT
