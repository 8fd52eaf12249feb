REM A visit counter that survives restarts: run it twice and watch "visits" grow.
' Bot memory holds text: VAL reads it as a number (a float), INT makes it whole again,
' and STR turns the count back into text to store ("4" + 1 would be "41").
stored = GET_BOT_MEMORY("visits")
visits = 1
IF stored <> "" THEN
    visits = INT(VAL(stored)) + 1
END IF
SET BOT MEMORY "visits", STR(visits)
visited_at = FORMAT(NOW(), "yyyy-MM-dd HH:mm")
SET BOT MEMORY "last_visit", visited_at

IF visits = 1 THEN
    TALK "This is the first visit ever."
ELSE
    TALK "This bot has been visited " + visits + " times."
END IF
