"""More core phrasings for the bootstrap intent corpus (mlops.intent_corpus): request_human,
greeting, confirmed, in the styles intent_phrases_c has few of (see intent_phrases_e).

Data only, in the format of intent_phrases_a. Asking who is really typing is
request_human; a wave or a how-are-you with nothing else is a greeting; confirmed
reports the payment, booking or sign-up as done ("check your paypal", "got the receipt")
or commits outright ("ok I take it"). Extends intent_phrases_c's cores; none repeats one.
"""

REQUEST_HUMAN = """
# short and typed fast
human
agent
real person?
human pls
bot?
ai?
is this ai
a real person pls
person please
rep please
🤖?
are u a bot
r u real
u a bot?
is this a bot lol
human being please
manager please
supervisor please
live person please
someone real pls
# non-native English
please I want speak with person
I want talk with human
you are robot?
you are real person or machine?
is machine answering?
give me a real people
I need speak with manager
can you give me person to talk?
is computer answer me?
I want human, not program
# sales-call speech
uh, sorry, is this, is this a recording?
wait, am I, am I talking to a real person right now?
hold on, is this one of those automated calls?
can you, uh, can you put me through to someone?
yeah I'd, I'd rather just talk to a person, if that's okay
is this a robocall?
sorry, are you, like, a real person or an AI?
can I talk to someone, like, a real someone?
# indirect
this is a recording isn't it
these answers are too fast for a human
you replied in two seconds, you're a bot
does an actual human read these?
does she actually answer her own messages?
is it her or her management?
who am I actually talking to?
who is this really?
is anyone there or is it just a script?
are you a script?
is this copy paste?
these replies are canned
I want to talk to her directly
can I speak to her personally?
let me talk to the owner
is there someone I can talk to?
connect me to someone real
I need to talk to a person about my order
pass me to a human
get me someone who isn't a bot
I need support from a human
can you get a real agent on here?
give me a real human ffs
am I talking to chatgpt rn
this chatgpt?
chatbot?
r u a chatbot
is this an ai chatbot?
you're definitely a bot
be honest, are you ai?
is this her assistant?
is this her team answering?
# typos
humn please
rel person pls
are yuo a bot
is thsi a bot
# formal
I would like to speak with a human representative.
Could you please transfer me to a live agent?
Is this conversation being handled by an automated system?
I'd appreciate speaking with a staff member directly.
"""

GREETING = """
# short, slang and emoji
hi!
hey :)
heyyyy
hii
helo
hellooo
yo!
ey
oi oi
ayo
ayy
wsg
wsp
g'day
g'day mate
hiya love
alright mate
howdy y'all
hey y'all
mornin
afternoon!
evening all
hola
bonjour
👋
👋😊
hi 👋
hey 👋
hello 👋🏼
🙋‍♀️
😊 hi
hey 😘
# names and pet names
hi beautiful
hey gorgeous
hey queen
hey king
good morning beautiful
hey bestie
hi friend
hello my friend
hello dear
hello sir
# how-are-you openers
hey, how you doing?
how you doin
how are u
how r u
hru
how's you?
how's things?
what's crackin
what's poppin
what's happening
what's new?
yo what's the word
# polite, formal, non-native
good day
good day to you
hey, hope all is well
hi, hope you had a nice weekend
hello, how is your day?
good morning, how are you today?
I hope you are fine
hello, how do you do?
Hi there, I hope all is well.
Greetings from London!
good morning from Sydney
hey from Brazil 🇧🇷
happy sunday!
happy tuesday babe
# sales-call openings
oh hi, hi, hello
hey, yeah, hi, how are ya
hi there, um, how's it going
oh hey, how are you doing
# typos
helloo
hye
heyy there
goood morning
gm gm
gm ☀️
morniing
"""

CONFIRMED = """
# short and emoji
done ✅
paid ✅
sent ✅
booked ✅
✅ paid
deal 🤝
🤝 deal
💸 sent
paid up
subbed
just subbed
signed up!
money's in
cash sent
done, sent it
# non-native English
is good for me, I take
ok I take it
I take one
I take the bundle
ok I buy
I buy it now
I make payment now
I made the payment
payment is done
money is sent
I send you money already
I pay already
I have pay
I sended the money
I transfer you now
booking is done
# sales-call speech
okay, yeah, I just, uh, I just put the payment through
yeah so I, I went ahead and booked it
alright, it's, uh, it's done, I paid
yep, I'm, I'm sending it over right now
okay, let's, let's do it, I'll take it
so I, um, signed up last night
yeah, that, that went through on my end
# done, without the word paid
check your paypal
look at your venmo
it should be in your account now
just hit send on the transfer
it's in your account
here's the receipt
screenshot of the payment attached
my card went through
the charge just showed up on my card
got the confirmation email
got my confirmation number
just joined your vip
upgraded to vip
I upgraded
just renewed
renewed ✅
I grabbed the bundle
copped it
just copped the bundle
bagged it
snagged the last spot
secured my spot
reserved my spot
locked in for {day}
I'm booked in for {day}
all booked in
consider it done
sold, I'll take it
say no more, I'll buy it
gimme two
just tipped 💸
tip sent
tipped you
just sent it on cashapp
just venmo'd you
paypal'd you
zelled you the money
e-transfer sent
# negated
no need to remind me, I paid
didn't forget, just paid
not waiting anymore, I bought it
no going back now, paid
no more thinking, I bought it
# typos
jsut paid
just payed
i payed already
sent the mony
boked it
# formal
Transfer completed this morning.
I have successfully completed the purchase.
The booking has been confirmed on my end.
Payment processed, please confirm receipt.
I've signed the contract.
"""
