"""More core phrasings for the bootstrap intent corpus (mlops.intent_corpus): objection,
price, callback, in the styles intent_phrases_b has few of (see intent_phrases_e).

Data only, in the format of intent_phrases_a. A reason against buying is an objection
even with no price word ("rent's due next week"); asking where to put card details or
which account to send money to is asking how to pay, so price; "busy now, later?" is a
callback. Extends intent_phrases_b's cores; none repeats one of them.
"""

OBJECTION = """
# short replies and emoji
too much
too steep
so pricey
too dear
bit dear
expensive af
nah too expensive
rip off
sketchy
$$$ 😬
💸💸 too much
too rich for me
# non-native English
is too expensive for me
is very expensive, my friend
too much money, I cannot
I don't have money now
I have no money for this
the price is very high
in my country this is very expensive
I cannot pay so much
is too much cost for me
how I know is not fake?
I am afraid is scam
I not trust online pay
# sales-call speech
uh, that's, that's a lot, honestly
yeah, the, um, the price is kind of a sticking point
I mean, that's, that's more than I was hoping to spend
well, uh, money's just, it's tight right now, you know
I, I just don't know if I trust it
ooh, yeah, that's, that's steep
# reasons without a price word
I just paid my bills, I'm down to nothing
rent's due next week
payday's not till the 30th
I'm saving up for a car right now
I've got a baby on the way, every penny counts
my wife would kill me if I spent that
I lost my job last month
I'm a student, I can't do that
that's my whole grocery budget
I can get the same thing on youtube
you post the same stuff for free
I saw someone do it for half
last time I bought a custom it never came
your friend did it for way less
I already subscribed to three creators this month
sounds like a lot of hype
I've seen these before, they never deliver
I don't like giving out my card number
no reviews anywhere, kinda worried
can't find anything about you online, seems off
payment upfront? that's sketchy
# slang and regional
I'm skint
skint this month
proper expensive that
bit steep mate
strewth, that's expensive
that's a lot of dosh
money's funny right now
funds are low rn
bread's tight rn
I'm hella broke
I'm broke af
y'all charging too much
that's highway robbery
ain't no way that's worth it
that ain't worth it
hell naw, not for that price
# negations that give a reason
not worth it to me
I can't justify it right now
no money, sorry
no cash rn
no budget for that
nope, can't afford it
I wouldn't pay that
never paying that much
I don't have the funds
not at that price
I'd say yes if it were cheaper
I'd be in if it wasn't so expensive
I'm not sure it's worth the money
doesn't look worth it
I'm not made of money
money doesn't grow on trees
broke till payday
skint until the weekend
no money till the 1st
can't before I get paid friday
still waiting on my wages to come in
# questions that give a reason
why so expensive?
why does it cost so much?
who pays that much for a video?
is it really worth {amount}?
are you serious with that price?
how is that worth the money?
what if it's fake?
why should I believe you?
how can I trust this?
why would I trust a stranger online?
# typos
to expensive
thats to much
cant aford it
to pricy
expencive
# formal
The pricing is beyond what we allocated.
Your rates are considerably higher than the market average.
We cannot commit funds this quarter.
I have reservations about the value offered.
We've had poor experiences with similar services.
"""

PRICE = """
# short and typed fast
how much
$?
price pls
cost?
hm, price?
fee?
total?
hw much
how mch
hiw much?
wats the price
whats the price
pricing pls
price list?
how much$$
# non-native English
how many costs?
how much is cost?
how much money?
how much it is?
what is price for video?
how much you take for custom video?
please tell me price
which price for one month?
how much I must pay?
how I can pay you?
where I send money?
you accept paypal?
it have discount?
give me discount please
is possible discount?
if I buy two, you give discount?
# sales-call speech
so, uh, what are we looking at, price-wise?
um, okay, and what, what would that run me?
and the, uh, the cost on that is?
so how much, roughly, are we talking here?
right, and is that, like, a monthly thing or?
okay and, um, how do I, how do I pay for it?
what's the ballpark, just roughly?
# how to pay, without a price word
where do I put my card details?
where do I enter my card?
what's your paypal?
what's your cashapp?
send me your venmo
drop your {pay}
can I pay by card?
do I pay now or after?
do I pay upfront?
can I split it into two payments?
how much do I send?
what do I owe you?
# discounts and bundles
do you do a discount for first timers?
is there a fan discount?
first time discount?
any deals for regulars?
can I get it for less if I take the bundle?
what's cheaper, the sub or the bundle?
is it cheaper yearly?
what's the cheapest option?
# amounts and currency
what does the vip cost per month?
how much for 2 vids?
how much is a 10 min call?
what do you charge for a phone call?
can I put a deposit down?
can I pay part now?
how much for the pack?
how much would it be in pounds?
is that in USD?
do you take euros?
u take {pay}?
y'all take {pay}?
{pay} ok?
is {pay} fine?
is tax included?
how much with shipping?
what's the going rate?
how much does a shoutout go for?
what do customs usually cost?
how many $ for {product}?
price check?
# slang and regional
how much you charging?
what you charging for that?
how much y'all charge?
what's it gonna set me back?
how much is it, mate?
how much we looking at?
how many dollars?
# formal
Could you provide a breakdown of the costs?
Is there a volume discount available?
Please advise on accepted payment methods.
Kindly share the pricing details.
What would the total investment be?
# negated questions
no price on your page, how much is it?
not seeing the price anywhere?
don't you do payment plans?
can't find the price, what is it?
no discount for loyal fans?
"""

CALLBACK = """
# short and typed fast
tmrw?
call me
call me?
call me tmr
call me pls
text me
text me later
hmu later
busy rn
busy atm
in a meeting
driving rn
at work rn
can't talk
cant talk rn
📞 later?
# non-native English
please call me after
you can call me tomorrow please
now I am busy, write me later
I am in work now, talk after
please write me tomorrow
we speak tomorrow ok?
now is not possible, maybe in evening
call me in the evening please
I call you back
send me message later, now I am busy
later we talk, now no time
# sales-call speech
oh, uh, I'm actually, I'm in the middle of something, can you call back?
sorry, sorry, I'm just walking into a meeting, can we do this later?
yeah I can't really, uh, I can't talk right now, try me tomorrow?
um, could you, could you give me a ring back in like an hour?
I'm, I'm actually driving right now, can I call you back?
you caught me at a bad time, can we, uh, can we reschedule?
sorry, I'm losing signal, I'll call you back
the kids are screaming, call me back tonight?
# indirect: another time
I'm about to board a flight, message me when I land
I'm at my kid's game, hit me up after
I'm on shift till 10, text me after
I'm in the middle of dinner, tomorrow?
my battery's dying, talk tomorrow?
can we pick this up after the weekend?
circle back to me friday
shoot me a text tonight
holler at me later
hit my line later
bell me later
give us a bell tomorrow
give me a buzz later
ring me tomorrow, mate
chat tomorrow?
remind me on payday
message me after 8, I'll be free
can we do this on my lunch break tomorrow?
try me in the morning
can you reach me at a different time?
what time works tomorrow for a call?
can we set up a zoom later?
free tomorrow afternoon, call me then
DM me in a few days
check back with me next week
come back to me on monday
get back to me in a couple days
touch base next week?
let's touch base tomorrow
can we talk later tonight?
not a good moment, later?
not right now, text me in a bit
can't rn, msg me tonight
# typos
caant talk, at work
cal me back pls
txt me l8r
hmu tmrw
call me bak
can u cal me later
# formal
Could we arrange a call for later this week?
Please reach out again next Tuesday.
I'm currently unavailable; could we reconnect tomorrow?
Let's schedule a follow-up for next week.
I'd appreciate a call back at your earliest convenience.
Could you follow up with me after the holidays?
# negated
don't text now, text me later
no time now, call me later
not now, I'm driving, call me in an hour
can't do now, maybe tomorrow we talk
not free till friday, call me then
"""
