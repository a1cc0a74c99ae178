"""More phrasings for the bootstrap intent corpus (mlops.intent_corpus), for the registers a
second, freehand part of the development set (mlops/data/intent_dev.jsonl, never the
held-out set) showed thin.

Data only, in the format of intent_phrases_a. What is here:
- small talk (`other`) that uses the other intents' words about something else: a human
  body, an agent who sells houses, a call of duty, the price of eggs, "not bad" about a
  film, "can't believe" about the weather, "hi" passed on from someone else, and a yes or
  a no that answers small talk;
- agreement in slang, emoji, typos and sales-call speech, and agreement said through a
  negation ("not a bad idea", "wouldn't say no", "no reason not to", "no doubt");
- refusals said through a negated plan or modal ("not gonna sign up", "I can't say yes",
  "won't be buying"), which share their words with agreements;
- callbacks, requests for a person and confirmations that carry a negator ("can't talk,
  ring me later", "I don't want a bot", "no worries, sent it") and keep their intent.
"""

OTHER = """
# another intent's words, about something else
the human body is honestly fascinating
i watched a documentary on the human brain last night
human nature is weird sometimes
my neighbour is a travel agent, she gets crazy deals
my dad was a sales rep for 30 years
my cousin just became a real estate agent
my best friend is a nurse, she works nights
my manager at work is actually really nice
my boss bought pizza for the whole office today
i had a call with my grandma earlier, she's doing great
call of duty is all my brother plays
my mom calls me every sunday lol
i texted my friend about your post, she loved it
my phone keeps autocorrecting everything
the price of gas is insane right now
eggs cost a fortune these days
groceries are so expensive lately
i paid way too much for concert tickets last year
i bought new running shoes yesterday
rent in this city is ridiculous
i got a new job, starting monday
tomorrow is my first day at the new job
next week i'm flying to see my parents
i have a dentist appointment later, wish me luck
my sister said hi btw
my friends all say hi from the party lol
my roommate says hello 😂
the robot vacuum keeps getting stuck under my couch
i asked chatgpt for a recipe and it was terrible
do you think ai will take over art
# "not bad", "can't believe", "never", "no idea" about anything
that movie was not bad at all
the food there isn't bad, kinda pricey though
not bad, just got home from work
not bad, how about you?
can't believe how fast this year went
i can't believe it snowed in april
can't believe my team lost again
i never know what to cook for dinner
i've never been to europe
never tried sushi, is it good?
no idea what i'm doing this weekend
i don't really watch tv anymore
i don't drink coffee, only tea
i can't sleep, too hot in here
i'm not a big fan of winter
no one in my family can cook lol
nobody at work knows i do yoga
# a yes or a no that answers small talk
yes i have two cats and a dog
yeah i grew up by the ocean
yep, the concert was amazing
nope, never seen that movie
nah i'm more of a dog person
no, i'm from texas originally
sure is cold today
definitely the best taco place in town
totally agree, summer is the best season
of course the bus was late again lol
ok so my cat just knocked over my plant
okay that's hilarious 😂
yes!! my team finally won the finals
no kidding, the traffic was crazy today
# questions about other things
what's your favourite food
do you have any siblings
what do you do for fun
have you ever been to new york
what's the weather like where you are
do you like horror movies
what are you watching these days
which one is your favourite song of yours
what camera do you shoot with
do you work out every day
are you a morning person
what's your dog's name
how tall are you
do you play any instruments
did you see the game yesterday
# not asking for a person or a later contact, only saying so
never said i wanted a human, you're fine
i don't need a real person, this works
no need to transfer me, i'm just chatting
i never asked for a call lol
i'm not looking for anything right now, just saying hi
"""

YES = """
# slang, emoji, typos, spoken
hell yes lets go
fk yeah
yes sir 🫡
yas
yasss lets gooo
yeee
yep yep
yup yup do it
ya bet
bet bet
aight bet
aight cool lets do it
for sure for sure
fosho
fs
100
🔥🔥 yes
✅ yes
🤝
i'm so down
down bad for this, yes 😂
ya i'm in
im in fr
count me in fr
ofc
ofcourse
yea ok
yeaa sure
sureee
surree why not
yesh please
yass pls
ok ok ok yes
alright alright, you got me
ok you got me, lets do it
fine fine, let's go
sounds pretty good actually
that's actually pretty decent, yeah
that sounds kinda perfect
that's exactly what i wanted
this is exactly what i need
oh that's cool, yeah
ohh yes please
ok lemme see
lemme see it
show me
show me what you got
send it, lemme see
go on, tell me
go on then
i'm listening
you've got my attention
alright, walk me through it
yes, let's proceed
yes, let's move forward
we'd like to move forward
we're happy to go ahead with that
that works on our end, go ahead
right, yeah, let's set that up then
mhm yeah sounds fine
uh huh sure
# agreement through a negation
that's not a bad deal tbh
honestly that's not bad at all, sign me up
i wouldn't say no, go ahead
wouldn't say no to {product}
how could i say no to that
i can't really say no to that
no reason not to
i don't see why i wouldn't
why wouldn't we, let's go
why would i say no
no doubt, sign me up
no doubt about it, i'm in
no question, yes
no objections here, go ahead
no complaints, let's go
not against it at all
i'm not opposed to that
i'm not saying no, tell me more
i never said no, keep talking
i'm not unsure anymore, let's do it
not hesitant at all, go ahead
i don't hate that, keep going
i don't mind, go ahead
it wouldn't hurt to see the options
it can't hurt to try
can't go wrong with that, yes
no harm in trying, let's go
"""

NO = """
# a negated plan, modal or want
im not gonna subscribe
not gonna sign up, thanks
i'm not gonna buy it
not gonna happen, sorry
we won't be going ahead
we're not going to move forward
i'm not going to do that
i don't think i will
i can't say yes, sorry
i can't agree to that
i wouldn't do that
i'd never do that
never in a million years
i'm not interested, sorry
not even slightly interested
don't want any of it
i don't need it
i don't need this right now or ever
no, i don't want that
i'm not feeling it, no
not for me, no offence
no offense but no
not my cup of tea
no. not at all, thanks
not really, no
nah, not really
nah i'm good fr
nope nope
nuh uh
absolutely not, sorry
please don't, i'm not interested
stop, i don't want it
it's a hard no
hard no
that's a no
i'll skip
skip
gonna pass on that
i'm out
count me out on this one
"""

UNCERTAIN = """
not a no, not a yes either
might do, might not
i'm not sure yet, give me a bit
idk yet tbh
i dunno yet
ehh dunno
on the fence ngl
hmm dunno
eh maybe
maybe tbh
unsure rn
dunno tbh
idk man
let me sit with it
i need a day to decide
maybe? idk
"""

OBJECTION = """
the reviews online weren't good
i read some bad reviews about this
your reviews aren't exactly great
i've seen people complain about it online
the last one i got wasn't worth it
it doesn't seem worth it to me
i can't afford it right now
i don't trust this at all tbh
never heard of you before, seems sketchy
no refunds? that's a red flag
that's not cheap at all
{amount} for that? nah
{amount} for one photo? no way
"""

CALLBACK = """
can't talk at the moment, ring me {time}
can't talk rn, call me tonight
can't chat now, text me {time}
not now, call me {time}
not a good time, try me {time}
don't have time rn, catch me {time}
no time today, hit me up tomorrow
i'm not free till friday, message me then
don't call before noon, try after lunch
i can't do today, can we talk {time}?
not today, reach out next week
no rush, just get back to me {time}
"""

REQUEST_HUMAN = """
i don't want ai, i want a person
i'm not chatting with a machine, put a person on
not a bot please, a real person
no more bots, a human please
no bots, i need a real person
i don't trust bots, let me talk to someone
this isn't a real person is it
you're not a real person, are you?
you aren't human right?
can't i just talk to someone real?
i don't want automated replies, get me an agent
this bot isn't helping, get me a human
"""

CONFIRMED = """
no worries, the payment's gone through
no worries, i sent it
no problem, money's sent
no problem, just paid
can't wait!! booked it just now
couldn't wait so i bought it already
not gonna lie, already paid
didn't take long, it's paid
no need to remind me, i paid already
never mind, just paid it
"""
