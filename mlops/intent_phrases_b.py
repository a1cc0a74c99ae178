"""Core phrasings for the bootstrap intent corpus (mlops.intent_corpus): objection, price,
callback.

Data only, in the format of intent_phrases_a. An objection gives a reason (cost, trust,
value, comparison, timing of money); asking what it costs, for a discount or how to pay
is price even when the tone is sceptical.
"""

OBJECTION = """
that's too expensive
too expensive
too pricey
way too pricey for me
that's a lot of money
that's a lot for {product}
it's out of my budget
not in my budget right now
I can't afford it
I can't afford that right now
can't afford it rn
I'm broke this month
money's tight right now
I don't get paid until next week
I'm short on cash until payday
I just can't spend that much
{amount} is way too much
that's a rip off
seems overpriced
it's overpriced
not worth the money
not worth it
I don't think it's worth it
doesn't seem worth it
I can find this for free online
I can get that for free elsewhere
others charge half
others charge half that
someone else offered it cheaper
I found it cheaper somewhere else
your competitor is cheaper
I already have something like this
I already pay for another creator
I already have a coach for that
how do I know this isn't a scam
this sounds like a scam
seems scammy tbh
I don't trust this
I don't trust paying online
how do I know you'll actually deliver?
what if I pay and you don't send it?
I've been scammed before
I've been burned before
I've heard bad things about this
the reviews aren't great
I doubt it actually works
I don't believe it'll work for me
I tried something like this and it didn't work
sounds too good to be true
is this even legit?
that seems like a lot for what it is
it's not worth {amount}
for that price I'd expect more
the quality isn't worth that price
I can't justify spending that
I can't justify the cost
my budget is tight
I'd never pay that much
no way I'm paying that much
no, it's too expensive
not paying {amount} for that
I'm not paying that much for {product}
it costs too much
costs way too much
it's too much money for me
I spent too much this month already
I just paid my rent, no money left
waiting on my paycheck
I don't have the money right now
I don't have that kind of money
money is an issue
the price is the problem
it's the price, honestly
it's just too much for me
there are cheaper options out there
I can get it cheaper on another site
I'd rather spend it on something else
I don't see the value
I don't see the value in it
I don't see how that's worth it
what's the point of paying for it?
I could just watch your free posts
subscriptions add up, I can't keep paying
I don't want to give my card details to a stranger
kinda sketchy that you want payment first
why is it so expensive??
a bit steep for me
that's steep
ouch, that's pricey
dang that's expensive
not gonna pay that, it's a ripoff
The cost is prohibitive for us.
Unfortunately this exceeds our budget.
We have a cheaper quote from another vendor.
I'm concerned about the security of my payment details.
I'm not convinced it's worth the investment.
"""

PRICE = """
how much?
how much is it?
how much for {product}?
how much does {product} cost?
what's the price?
what's the price of {product}?
what's the rate for {product}?
what are your rates?
what do you charge?
what do you charge for {product}?
price?
pricing?
rates?
how much do you charge?
how much would {product} be?
how much would it cost me?
what does it cost?
what's it gonna cost me?
what's the cost for {product}?
how much is the monthly sub?
how much per month?
is it monthly or one time?
is it a one-time payment?
any discount?
any discounts?
do you have any discounts?
is there a discount on {product}?
can I get a discount?
got any promo codes?
is there a coupon?
any deals right now?
do you do bundles?
is there a bundle?
how much for the bundle?
can I get a bundle deal?
what if I buy two?
do you do student discounts?
do you offer payment plans?
can I pay in installments?
can I pay with {pay}?
do you take {pay}?
do you accept {pay}?
how do I pay?
how can I pay?
how do I pay you?
where do I send the money?
what payment methods do you accept?
what's the payment link?
is {amount} the final price?
is it {amount}?
is it {amount} for {product}?
does it cost extra for {product}?
is shipping included?
are there any hidden fees?
any extra fees?
how much is a custom?
how much for a custom vid?
how much would a video call be?
what would it run me?
what's the damage?
ballpark price?
how much are we talking?
what's the total?
what's the total with tax?
can you send me a price list?
do you have a price list?
send me your rates pls
do you have a menu with prices?
what do your packages cost?
how much is the vip package?
is it cheaper if I subscribe?
is there a cheaper option?
do you have anything cheaper?
do you have a free trial?
is the first session free?
what's included for the price?
I wanna know how much it is
tell me the price
just tell me how much
can you do {amount}?
would you take {amount}?
can you go lower?
can you do any better on the price?
is the price negotiable?
can you knock a few bucks off?
Could you share your pricing?
Could you please send me a quote?
What are the fees involved?
I'd like to know the cost of {product}.
May I ask what the price is?
Do you offer any discounts for returning customers?
# negation that still asks the price
not sure how much it costs, can you tell me?
no idea what it costs, how much?
I don't know the price, what is it?
don't you have a discount for fans?
isn't there a cheaper bundle?
"""

CALLBACK = """
call me back tomorrow
call me back {time}
can you call me {time}?
call me later
catch me later this week?
busy now, text me tonight
busy rn, text me {time}
I'm busy right now, can we talk {time}?
can we talk {time}?
let's talk {time}
can we do this {time}?
can you message me {time}?
text me {time}
hit me up {time}
hmu {time}
message me {time}
not a good time, call me later
bad time, can you call back?
I'm in a meeting, call me back in an hour
I'm at work, text me after 6
I'm driving, I'll call you back
I'll call you back {time}
I'll get back to you {time}
can we pick this up {time}?
let's continue this {time}
can we continue {time}?
remind me {time}
remind me about it {time}
can you remind me next week?
follow up with me {time}
follow up next week
reach out {time}
reach out to me next month
contact me {time}
can you contact me {time}?
please call me at a better time
now's not good, later?
can't talk now, later?
I can't talk right now, try me {time}
try me again {time}
ping me {time}
ping me later
dm me {time}
get back to me {time}
can you get back to me {time}?
let's circle back next week
let's circle back on this {time}
can we schedule a call?
can we set up a call {time}?
I'm swamped today, try tomorrow
I'm out right now, message me tonight
I'm with friends rn, text me {time}
at the gym, hit me up later
in class, text me after
gotta run, call me {time}
not now, text me later
not now, maybe {time}?
can you try again {time}?
can we chat {time} instead?
could we reschedule?
can we reschedule to {time}?
let's reschedule
I missed your call, call me back?
sorry I missed your call, try me again {time}
call me on my cell {time}
give me a ring {time}
give me a call {time}
ring me {time}
talk {time}?
can we talk about this {time}?
let's pick this up {time}
I'll be free {time}, call me then
I'm free {time}, can we talk then?
after work works better, text me then
message me when you're free
call me back when you can
call back in 10 min
give me 10 minutes and call back
give me an hour, I'll text you
text me in a bit
try me later tonight
don't call now, call me {time}
can't do it now, can you ask me again {time}?
Could you please call me {time}?
Please contact me at a more convenient time.
I am unavailable at the moment; please reach out {time}.
Would it be possible to speak {time}?
Kindly follow up with me next week.
I'd prefer to discuss this {time}.
"""
