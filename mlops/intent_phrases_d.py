"""Phrasings for the bootstrap intent corpus (mlops.intent_corpus): `other`, the neutral
small-talk clauses put in front of an intent, the openers and closers of each register,
and the slot fillers.

Data only, in the format of intent_phrases_a. `other` deliberately holds yes/no words,
"how much", "call", "paid" and "booked" where they carry no intent, so a classifier has
to read the clause rather than the keyword. Openers and closers never carry an intent:
no greeting, no thanks-and-bye, no "yeah"/"sure", nothing hesitant like "I guess".
"""

OTHER = """
what did you do today?
I love hiking
lol that's funny
haha that's hilarious
omg same
same here
that's crazy
that's wild
wow
cool
nice pic
love your outfit
your dog is so cute
what's your favorite movie?
where are you from?
what music are you into?
I just got back from the gym
I'm so tired today
work was brutal today
I had pizza for dinner
it's raining here
it's so hot today
did you watch the game last night?
I've been binge watching netflix
my cat just knocked over my coffee
what are you up to this weekend?
what did you do this weekend?
I'm watching a movie right now
I love your content
your last video was amazing
you look amazing in that photo
that sunset pic was gorgeous
where was that photo taken?
do you have any pets?
I have two dogs
I'm a nurse
I work in construction
I'm from Texas
I just moved to a new city
I'm learning to cook
I started running again
I'm reading a great book
any book recommendations?
what's your favorite food?
do you like sushi?
I can't stand cold weather
traffic was terrible today
my boss is driving me crazy
I got a promotion!
it's my birthday today
just got a new puppy
that's so true
facts
lol
lmao
😂😂
interesting
oh really?
wait really?
nothing much, just chilling
just chilling
just woke up
I'm bored
what's your zodiac sign?
do you play video games?
I'm a huge fan
been a fan since day one
my favorite color is blue
ok so my roommate did the weirdest thing
I'm having the worst day
I'm having a great day
this song is stuck in my head
have you seen the new marvel movie?
did you dye your hair?
that outfit though 🔥
you're hilarious
lol you're so random
I know right
do you ever sleep lol
what camera do you use?
what's your workout routine?
can you recommend a good show?
any tips for a beginner photographer?
The weather has been lovely this week.
I attended a conference yesterday.
I enjoyed reading your latest article.
What inspired you to start creating content?
How long have you been doing this?
# yes/no words and intent keywords that carry no intent
no way that's so funny
no way, you met him?
yes the weather was great today
no I've never been to Paris
nope, never watched it
yeah my dog does that too
yes I love that song too
nah the game was boring
no, I'm a cat person actually
yeah I'm from Chicago
yes I've been there, it's beautiful
not really a coffee person
I'm not a fan of horror movies
I don't like mondays
I never liked math
I don't know what happened to my phone lol
I don't know the answer to that riddle
maybe it'll rain tomorrow
not sure what to eat tonight
how much do you work out?
how much snow did you get?
call me crazy but I love pineapple pizza
my brother paid for dinner lol
I booked a flight to Miami for my sister's wedding
I signed up for a marathon, wish me luck
I bought a new car last week
is that a real tattoo?
are you a morning person?
the price of gas is insane lately
my sister says hi
say hi to your mom for me
I told him goodbye forever lol
I'll call my mom tomorrow, it's her birthday
the deal on that tv was great
I'm in the kitchen making pasta
sure is hot out today
I agree, pineapple belongs on pizza
totally agree about that movie
not gonna lie, that movie was great
"""

NEUTRAL = """
loved your last post
just saw your story
I've been following you for a while
I'm a huge fan
long day at work
just got home
sorry for the late reply
been meaning to message you
your content is amazing
saw your new video
I'm on my lunch break
it's been a crazy week
my friend recommended you
I found you on tiktok
that last pic was fire
thanks for the reply
thanks for getting back to me
appreciate the info
got your message
I looked at the offer
I checked out your page
read through everything
so about your message
I saw your post about {product}
ok I read it
"""

# Openers and closers by register. `full` ones go with any intent; `light` ones also suit
# a greeting, a goodbye or small talk ("honestly hi" reads wrong, "haha hi" does not).
OPENERS = {
    "dm": {
        "full": ("ok so", "honestly", "tbh", "ngl", "hmm ok", "wait", "so", "ok", "um"),
        "light": ("haha", "lol", "omg", "aw", "oh", "😅", "👀"),
    },
    "fan": {
        "full": ("babe", "hun", "omg babe", "aww", "honestly babe", "ok babe", "love"),
        "light": ("haha", "omg", "aww", "🥰", "😘", "hehe"),
    },
    "call": {
        "full": ("so", "okay so", "um", "uh", "well", "I mean", "look", "you know what"),
        "light": ("oh", "um", "uh", "ah"),
    },
    "formal": {
        "full": ("To be honest,", "Regarding your offer,", "Just to follow up,", "Frankly,"),
        "light": (),
    },
}

CLOSERS = {
    "dm": {
        "full": ("tbh", "honestly", "rn", "atm", "fr"),
        "light": ("lol", "haha", "lmao", "😂", "🙂", "😅", "🙏", "✨", "👀", "💀"),
    },
    "fan": {
        "full": ("babe", "hun", "love", "sweetie"),
        "light": ("😘", "💕", "🥰", "😍", "❤️", "xx", "hehe", "💋"),
    },
    "call": {
        "full": ("you know", "to be honest", "honestly", "at this point"),
        "light": ("haha",),
    },
    "formal": {
        "full": ("Thank you.", "Thanks in advance.", "Many thanks.", "Best regards."),
        "light": (),
    },
}

SLOTS = {
    "product": (
        "a custom video",
        "the custom vid",
        "a shoutout",
        "a video call",
        "the bundle",
        "the vip package",
        "a personalized pic set",
        "the course",
        "the coaching program",
        "the monthly sub",
        "a 1:1 session",
        "the premium plan",
        "the starter package",
        "a voice note",
        "a signed print",
        "the workout plan",
    ),
    "time": (
        "tomorrow",
        "tonight",
        "later",
        "later today",
        "next week",
        "this weekend",
        "on friday",
        "monday morning",
        "after 6",
        "in an hour",
        "tomorrow morning",
        "after lunch",
        "next month",
        "in a bit",
    ),
    "day": ("friday", "tomorrow", "monday", "next week", "saturday night", "the 15th"),
    "pay": ("paypal", "venmo", "cashapp", "card", "apple pay", "crypto", "zelle", "bank transfer"),
    "amount": ("$20", "$50", "50 bucks", "$100", "$15", "€30", "twenty bucks", "$9.99", "$200"),
    "name": ("babe", "hun", "Mia", "Jess", "sir", "boss", "girl", "dude", "love", "Alex"),
}
