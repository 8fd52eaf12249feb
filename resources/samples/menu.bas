' A small support menu with IF … ELSEIF and suggestions.
' General Bots 2026-05 has no way to clear suggestions (CLEAR SUGGESTIONS becomes a function
' it lacks), so they stay on screen after the choice.
ADD SUGGESTION "Track an order"
ADD SUGGESTION "Opening hours"
ADD SUGGESTION "Talk to a person"
TALK "How can I help you today?"
HEAR choice AS "Track an order", "Opening hours", "Talk to a person"

IF choice = "Track an order" THEN
    TALK "Please type your order number."
    HEAR order AS INTEGER
    SET_BOT_MEMORY("last_order_lookup", STR(order))
    TALK "Order " + order + " is on its way."
ELSEIF choice = "Opening hours" THEN
    TALK "We are open Monday to Friday, 9:00 to 18:00."
ELSE
    requests = GET_BOT_MEMORY("human_requests")
    SET_BOT_MEMORY("human_requests", STR(INT(VAL(requests)) + 1))
    TALK "I'll ask a colleague to contact you."
END IF
