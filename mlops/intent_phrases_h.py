"""More phrasings for the bootstrap intent corpus (mlops.intent_corpus): goodbye, other
and neutral clauses, in the styles intent_phrases_c and _d have few of.

Data only, in the format of intent_phrases_a. `other` holds ordinary small talk (the
customer's day, compliments, questions about the creator's life) with trap words (busy,
crazy, call, paid, agent, bot, price, yes, no) used about something unrelated to the
offer. Extends intent_phrases_c's and _d's phrasings; none repeats one of them.
"""

GOODBYE = """
# short, slang and emoji
bye 👋
👋 bye
byee
bye x
bye xx
k bye
night
nite
nighty night
gn 😴
gn x
gnight
laterz
later gator
talk later
speak later x
later then, bye
ok later
cya!
c ya
see ya later
see u
see u soon
ta ra
ta ta
toodles
cheerio
cheers mate, bye
catch ya later
catch you on the flip side
peace ✌️
✌️
im off
I'm heading off
logging off, bye
hasta luego
au revoir
take it easy
take it easy mate
look after yourself
stay safe
stay blessed
have a good'un
have a lovely evening
have a blessed day
enjoy the rest of your day
enjoy your evening
good night, sleep tight
off to work, bye
gotta dip
I gotta bounce
gotta hop off
gotta hop off now
# non-native English
ok, goodbye my friend
bye bye, have nice day
have nice day
good night, see you
I go now, bye
I must go now
now I go sleep, bye
thank you, bye bye
# sales-call speech
alright, well, uh, I'll let you go then
okay, thanks, bye-bye now
okay, great, well, have a good one, bye
alright, take care, bye bye
okay, cool, talk to you later then, bye
mkay, bye now
buh-bye
bye now
# typos
bbye
gnite
see yaa
tlak soon
# formal
Kind regards, and goodbye.
Thank you for your help. Have a good day.
Wishing you a pleasant evening.
Best wishes, and goodbye for now.
That will be all for today, thank you.
I'll sign off here.
"""

OTHER = """
# trap words about something unrelated
yes! my team won
no way, you've been to Japan?
nah I'm just tired today
nope, never been skiing
nah I don't watch anime
no, it's my first time in Spain
yeah the new season is so good
ok wait that's adorable
agreed, that movie was way too long
yeah the traffic was insane this morning
yes I finally finished that book
no I haven't seen that show yet
nope, still raining here
nah my phone's just old
yeah I've had that song on repeat all week
no, my sister's the one who cooks
yes, I'm a libra
nah, I'm more of a dog person
yeah I grew up near the coast
true, true
right??
I've been so busy with work lately
my kids keep me so busy
it's crazy how fast this year went
the price of eggs is crazy right now
my car is costing me a fortune in repairs
I called my mom today
my mom called me during the meeting lol
I have a dentist appointment tomorrow
the call with my boss went well
my brother is a real estate agent
I work as a travel agent
my roomba keeps getting stuck, dumb little robot
I watched a documentary about AI last night
chatgpt helped me with my homework lol
I'm not a morning person at all
I can't decide what to watch tonight
I can't decide between pizza or tacos
I'm not sure what time the game starts
maybe I'll go to the beach this weekend
I booked a table for my anniversary
finally paid off my car 🎉
bought a new phone today, loving it
signed up for a pottery class lol
I got a deal on these shoes
sold my old bike today
we said goodbye to our dog last week 😢
hello kitty is my favorite
how much do you sleep lol
# compliments
you're so talented
you're honestly so pretty
your voice is so calming
I love your accent
your smile is everything
you always make my day
you're my favorite creator
your cooking videos inspired me
# the creator's life
how was your trip?
did you have fun in Bali?
where did you get that jacket?
what's your dog's name?
do you have siblings?
how tall are you?
what's your go-to coffee order?
do you edit your own videos?
what was your first job?
are you going to the festival?
who does your nails?
how do you stay so motivated?
where do you film?
is it raining where you are?
do you ever take a day off?
do you get a lot of messages?
what are you having for dinner?
# the customer's day
just spilled coffee all over my laptop
my kid drew me a picture today, made my day
the power went out for like 3 hours
I locked myself out of my car lol
my flight got delayed again
my neighbor's dog won't stop barking
I burned my toast this morning
finally finished my degree
I ran my first 10k today
I've got the flu, been in bed all day
long day today
had a rough day at work
done with work finally
finished my exams today!
home from the gym, I'm dead
my phone was dead all morning
I have work early tomorrow
day off today 🙌
finally the weekend
no work today, just relaxing
gonna watch a movie tonight
thanks for the follow back!
thank you for the birthday wishes
thanks for the restaurant tip, it was so good
how's the weather over there?
it's snowing like crazy here
# regional slang and non-native English
it's freezing in London today
the footy was brilliant last night
I'm knackered
cheeky nandos tonight
arvo at the beach was top
fixin' to go fishing with my daddy
y'all ever been to Nashville?
that's lowkey hilarious
no cap that video was fire
deadass the funniest thing I've seen
I'm weak 😂
today I am very tired from work
in my country now is winter
I am learning English, sorry for mistakes
I like very much your videos
what you do today?
where you live?
# emoji and reactions
😂😂😂
💀💀
😭😭 that's so funny
🥺
❤️ your posts
🔥 pic
# sales-call small talk
oh, haha, my, my dog's going crazy in the background
sorry, there's, uh, a lot of noise here, I'm at a cafe
oh wow, um, that's, that's actually really interesting
# typos
waht are you doing today
that's so funy
I love ur vidoes
"""

NEUTRAL = """
sorry for my english
just saw this now
sorry for the typos
ok so I watched the video
my mate told me about you
just finished my shift
"""
