REM A visit counter that survives restarts: run it twice and watch "visits" grow.
visits = GET_BOT_MEMORY("visits")
IF visits = "" THEN
    visits = "0"
END IF
visits = INT(VAL(visits)) + 1
SET BOT MEMORY "visits", STR(visits)
SET BOT MEMORY "last_visit", FORMAT(NOW(), "yyyy-MM-dd HH:mm")

IF visits = 1 THEN
    TALK "This is the first visit ever."
ELSE
    TALK "This bot has been visited " + visits + " times."
END IF
