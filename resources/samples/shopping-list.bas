' Builds a shopping list with FOR EACH, a FUNCTION and a SUB.
FUNCTION Total(items)
    sum = 0
    FOR EACH item IN items
        sum = sum + item.price * item.qty
    NEXT item
    RETURN sum
END FUNCTION

SUB ShowItem(item)
    TALK "- " + item.qty + " x " + item.name + " at " + FORMAT(item.price, "C2[en]")
END SUB

apples = #{ name: "apples", price: 0.5, qty: 6 };
bread = #{ name: "bread", price: 2.25, qty: 1 };
coffee = { "name": "coffee", "price": 7.9, "qty": 2 };
basket = [apples, bread, coffee]

TALK "Your basket has " + LEN(basket) + " items:"
FOR EACH item IN basket DO
    CALL ShowItem(item)
END FOR

total = Total(basket)
TALK "Total: " + FORMAT(total, "C2[en]")
SET BOT MEMORY "last_basket_total", STR(total)

TALK "Anything else to add? (type the name, or 'no')"
HEAR extra
IF LCASE(extra) <> "no" AND extra <> "" THEN
    basket = basket + [#{ name: extra, price: 1, qty: 1 }]
    TALK "Added " + extra + ". The basket now has " + LEN(basket) + " items."
END IF
