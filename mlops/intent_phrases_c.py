"""Core phrasings for the bootstrap intent corpus (mlops.intent_corpus): request_human,
greeting, confirmed, goodbye.

Data only, in the format of intent_phrases_a. Confirmed is a completed purchase, payment,
booking or sign-up, or an outright commitment ("deal, I'll take it"); agreeing to hear
more or "sign me up" stays yes.
"""

REQUEST_HUMAN = """
get me a human please
connect me with a representative
is this a bot?
are you a bot?
am I talking to a bot?
is this an ai?
are you real?
are you a real person?
is this a real person?
is this automated?
is this an automated message?
am I chatting with a machine?
are you chatgpt?
is it actually you typing?
I want to talk to a real person
let me talk to a human
can I speak to a human?
can I speak to someone real?
I want a real human
I want to speak with an agent
agent please
representative please
human please
talk to human
real person please
put me through to a person
transfer me to a person
transfer me to an agent
can I talk to a manager?
let me speak to your manager
get me your supervisor
I need to speak to someone in charge
I need a human, not a bot
I don't want to talk to a bot
no bots please
stop, I want a human
this bot is useless, get me a person
I'm tired of talking to a machine
I want to talk to the real you
I want to talk to you, not your team
is someone actually reading this?
is there a real person there?
hello? is there a human?
can a real person call me?
have a human call me
escalate please
operator please
live agent
live agent please
support person please
can I get help from an actual person?
I need customer service
customer service please
let me talk to someone who can actually help
these replies feel automated
your replies sound like a bot
you sound like a bot lol
are these auto replies?
is this an auto reply?
this feels like ai
are you an AI or a person?
bot or human?
prove you're not a bot
you're not a bot right?
not a bot, are you?
you're a real person, right?
I'd rather talk to a person
no more bot, real person please
I want to talk to the creator herself
is this the actual creator?
is this really her?
is this a chatter?
are you a chatter or the real one?
is this a team member or you?
I'd like to speak with a representative.
Please connect me with a customer service agent.
Could I speak with a member of your team?
May I speak with a person, please?
I would prefer to speak with a human being.
Please escalate this to a human.
"""

GREETING = """
hey!
hey
hi
hi there :)
hello
hello there
good morning
good afternoon
good evening
morning!
hey there
heyy
hiya
yo
sup
what's up
wassup
howdy
hey hey
hi hi
hey you
hey stranger
hey {name}
hi {name}
hello {name}
good morning {name}
morning {name}
hey, how are you?
hi, how are you doing?
how are you?
how's it going?
how's your day going?
how have you been?
hope you're doing well
hey, hope you're well
hi! long time no see
long time no talk
hey it's me again
hi again
hey again!
hello again
I'm back!
hey, just saying hi
just wanted to say hi
just dropping by to say hello
heyyy what's up
hey what's good
yo what's good
ayy what's up
hey girl
hey babe
hi love
hey hun
hey cutie
good morning sunshine
hello hello
greetings
heya
hey hey hey
happy monday!
happy friday!
hey, happy weekend
g'morning
gm
gm babe
evening!
oh hey
oh hi
hey, nice to meet you
nice to meet you
pleased to meet you
hi! first time messaging you
hey, I'm new here
hey it's Mike
hi, this is Dan
hi, it's Sarah from yesterday
hey, remember me?
hey, you there?
hello?
hey, how's your week going?
hey, what are you up to?
Hello, I hope this message finds you well.
Good morning, I hope you are well.
Hi, I hope you're having a great day.
Hello team,
Good afternoon, nice to e-meet you.
"""

CONFIRMED = """
just paid
I just paid
paid!
paid, check your account
sent the money
I sent the money
just sent the money
money sent
just sent {amount}
I sent {amount} via {pay}
sent you {amount} on {pay}
paid via {pay}
paid with {pay} just now
payment sent
payment done
payment complete
the payment went through
done, paid
done! just paid
booked it
I booked it
just booked {product}
booked for {day}
booked the session
I booked a slot for {day}
just signed up
I signed up
I subscribed
just subscribed
subscribed!
renewed my sub
I bought it
just bought {product}
bought it!
I purchased {product}
order placed
just placed my order
I ordered {product}
ordered!
deal, I'll take it
deal
it's a deal
I'll take it
I'll take {product}
I'll take two
I'll buy it
I'll buy {product}
I'm buying it now
buying it right now
ordering now
paying now
sending the money now
sending it now
sending {amount} now
ok deal, sending payment
you've got a deal
done deal
take my money
shut up and take my money
transfer done
check your {pay}, I sent it
did you get my payment? I sent it an hour ago
check your inbox, I paid
I paid, where's my {product}?
just tipped you {amount}
tipped!
I unlocked the video
just unlocked your post
yes, I'll take it
ok I'm paying now
I'm in, just paid
count me in, payment sent
all paid up
already paid
already bought it
already booked
I already subscribed
I've already signed up
# negation that still reports the payment
I already paid, no need to remind me
didn't you get it? I already paid
no need to send the link, I paid already
don't worry, it's paid
not gonna lie, I already bought it
I've completed the payment.
Payment has been sent.
I have made the payment.
I have completed my registration.
I've booked the appointment.
Please find the payment confirmation attached.
The invoice has been paid.
I've transferred {amount}.
"""

GOODBYE = """
bye
bye!
bye bye
gotta go, bye
gotta go
gtg
g2g
got to go
I have to go
I need to go now
talk soon
talk soon!
ttyl
talk to you later
later!
see ya
see you
see you later
see you soon
catch you later
good night!
good night
night night
gn
have a good night
have a great day
have a good one
have a nice weekend
take care
take care!
cheers, bye
cya
peace out
I'm off
I'm off to bed
off to bed, night!
heading to bed, night
going to sleep now, bye
signing off
logging off now
thanks, bye
thanks for chatting, bye
thanks for the chat
nice chatting with you
it was nice talking to you
great talking to you, bye
ok bye
alright bye
okay, talk soon
bye for now
that's all for now, bye
that's it for today
until next time
farewell
goodbye
speak soon
chat soon
love you, bye
bye babe
bye {name}
night {name}
good night {name}
xoxo bye
mwah, bye
later babe
ciao
adios
laters
ok I'm gonna go now
gotta run
gotta run, bye
gotta jump, bye
I'll let you go
I'll let you go now, bye
sleep well
sweet dreams
sweet dreams babe
enjoy your night
enjoy your weekend
I'm leaving now, bye
gotta head out
heading out, bye
that's all, thanks, bye
no more questions, bye
nothing else, bye
not staying long, gotta go
Goodbye.
Thank you for your time. Goodbye.
Have a wonderful day.
Thank you, have a great evening.
"""
