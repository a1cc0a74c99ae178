"""More phrasings for the bootstrap intent corpus (mlops.intent_corpus), for the kinds of
message a development set written for error analysis (mlops/data/intent_dev.jsonl, never
the held-out set) showed the corpus under-covers.

Data only, in the format of intent_phrases_a. What is here:
- objections that give a reason other than price: the tool or vendor they already have,
  a bad experience before, doubts about the value, a partner's veto, and a price quoted
  back with disbelief ("$80?? for that??"), which is an objection and not a price question;
- small talk (`other`) about time, days, schedules, people's jobs and the internet, so
  "what timezone are you in" or "my uncle is a real estate agent" is not a callback or a
  request for a human;
- agreement that ends on "so sure" or is a refused refusal ("never said no"), hesitation
  that is half yes half no, a team's say before deciding, and confirmations typed short
  ("subbed", "copped it").
"""

OBJECTION = """
# they already have something
we already use a different app for that
we already have a vendor for this
we're happy with our current provider
I already pay for something similar
already subscribed to someone else tbh
i have another creator i buy from already
our current supplier contract doesnt end till spring
we're locked into a contract with someone else
we built our own thing in house for that
got one already, dont need two
# it went wrong before
the last bundle i got was a total waste
i got burned last time i paid for a custom
last creator i paid never delivered
i tried something like this before and it didnt work
bought a course like this once, total waste of money
had a bad experience with a service like this
every time i pay for this stuff i regret it
# the value
doesnt look worth it to me
feels overpriced for what you get
honestly the free stuff online is just as good
i dont see what makes it different from the free version
not convinced its worth the money
idk if the quality justifies that price
thats a lot for a few pics
for that price i expect way more
# the price said back, with disbelief
$60?? thats crazy
{amount}?? for one video?? lol
wait {amount}?? no way thats steep
{amount} a month? thats crazy expensive
you want {amount} for that?? 😂
{amount} is wild for a shoutout
yikes {amount}, thats a lot
# someone else decides, or the money is not there
my wife would kill me if i spent that
my partner says its too much
my manager won't sign off on that
finance would never approve it
i have bills to pay first
money is tight this month
rent is due, cant spend on this rn
im saving up for something else
# trust
how do i know youll actually send it
what if i pay and you ghost me
reviews say this is a ripoff
sounds kinda sketchy ngl
"""

OTHER = """
# time and days, not asking for a later contact
what time zone r u in
what time is it there rn
i'm free this weekend finally, gonna go hiking
tomorrow is my birthday 🎂
i have an exam next week, so stressed
later today i'm going to my moms
i barely slept last night
# people, jobs, tech
my uncle is a real estate agent
my sister works in customer service, she hates it
my cousin builds chatbots for a living
do you use ai to edit your photos
# reactions and chat, some opening with a yes or a no that answers small talk
yeah i watched that show too
nah the game was boring last night
nope never been to japan, you?
yes the weather is wild today
"""

YES = """
honestly not a bad deal at all, so yeah sure
it's fair honestly, so sure
that's reasonable, so yes
i never said no, im keen
im keen
sure, why not, lets try
you had me at hello, lets do it
alright you sold me
ok fine you convinced me 😂
yah ok lets go
yeah alright, go on then
go ahead and set it up
"""

NO = """
naww
naw im good
nay
negative
no can do
that's a no for me
not my thing, sorry
i'll have to say no
respectfully, no
no no no
no chance
i'd rather not
we'll pass, thanks
pass
"""

UNCERTAIN = """
kinda want it kinda dont
hmm tempting... but idk
hmm tempting
eh idk
50/50 tbh
torn rn
let me ask my team first, then ill let you know
i need to run it past my boss first
ill see how my budget looks and let you know
maybe, i need more info first
"""

CONFIRMED = """
subbed
sub'd
subbed 🥰
just subbed
copped it
copped 🔥
unlocked it
just unlocked the set
done ✅
paid ✅
sent ✅
payment done
its paid
all paid up
"""

REQUEST_HUMAN = """
can someone from the team give me a call
can a real person call me
have an actual person call me please
i'd like a human to call me back
can someone real reach out to me
is there a person i can email instead of this chat
is anyone actually reading these
do you write these yourself or is it a bot
"""
