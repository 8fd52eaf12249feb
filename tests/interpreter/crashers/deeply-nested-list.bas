' expect: nested too deeply to show
l = []
FOR i = 1 TO 100000
  l = [l]
NEXT
TALK l
