"""More core phrasings for the bootstrap intent corpus (mlops.intent_corpus): yes, no,
uncertain, in the styles intent_phrases_a has few of.

Data only, in the format of intent_phrases_a. Very short replies and emoji, non-native
English, sales-call speech with fillers and false starts, UK/Australian/US Southern slang
and AAVE, phone-keyboard typos, formal email, questions, and negations that keep or flip
the polarity ("wouldn't mind" agrees, "can't see it happening" declines, "not convinced
either way" hesitates). Extends intent_phrases_a's cores; none repeats one of them.
"""

YES = """
# short replies and emoji
ok
okay
k
kk
yes
yeah
ya
yea
yh
ye
aye
bet
fine
alright
aight
righto
sg
oki
okie dokie
yass
deffo
mhm
uh huh
yes ma'am
yes sir
ooh ok
👍
👌
💯
✅
👍👍
👍🏼
🙏 yes
🙌🔥
🔥🔥 yes please
yes 🙌
ok 👍
😍😍 yes
# non-native English
is good for me
yes is ok for me
ok for me
for me is perfect
yes I am interest
I am very interesting for this
yes please, explain me more
okay, you can send me the information
I want know more about it
yes, why not, we can do
it sounds very nice for me
agree
I agree
ok I agree with this
yes of course my friend
# sales-call speech
uh yeah, yeah that, that works for me
yeah no, that sounds good
um yeah, I think, yeah, let's hear it
yeah yeah, go ahead
mm-hm, yeah, keep going
oh yeah, no, definitely, I'm interested
right, yeah, okay, that makes sense, go on
yeah I mean, sure, why not
okay yeah, so, uh, what's the next step?
so, yeah, I'd, I'd be up for that
# slang
bet, say less
say less
ight bet
fr I'm down
yessir
yuh
it's a vibe, I'm down
sounds mint
lovely, go on
sounds grand
sweet as
too right
I'm keen
keen as
proper good that, go on
you bet
shoot, tell me more
y'all got me interested
darn right I'm interested
# questions and indirect agreement
where do I sign up?
what's the next step?
so what's next?
ok, what do I do now?
when can we start?
can you tell me more?
can I hear more about it?
# typos
soudns good
yes pls
yse please
sure thig
okk
im intersted
tell me mroe
# formal
That would suit me well.
I'd be glad to hear more.
That is agreeable to me.
Indeed, I am interested.
Sounds excellent, please share further details.
# negations that agree
wouldn't mind
I wouldn't mind that
wouldn't mind hearing more
can't complain, go ahead
not opposed
I'm not opposed
I'm not saying no
no way I'm missing this
no way I'm saying no to that
not gonna say no
can't turn that down
I'd be silly not to
why wouldn't I?
no reason to say no
not a problem at all
I don't hate it, go on
no harm in hearing more
can't hurt to try
not a bad shout
that's not bad at all, tell me more
no brainer, yes
how could I say no?
I'd never say no to that
never say no to {product}
"""

NO = """
# short replies and emoji
n
no ty
no thx
nty
nah ty
na
nahh
nop
no sir
no ma'am
not today
no dice
pass
pass, thanks
nah fam
nah mate
nah bro
no chance
negative
not keen
hell no
heck no
👎
🙅‍♀️
🙅‍♂️ no
no 👎
erm, no
um no
uh, nope
# non-native English
no, I not want
no thank, is not for me
I don't want, thank you
no need, thank you
not necessary, thanks
no please, I not interested
for me no
is not for me
I no want this
no, I am not interesting
no, thank you very much, I don't need
please, I don't need this
# sales-call speech
uh, no, no, I'm good, thanks
um, yeah no, I'm gonna pass
no, no, that's, that's not for me
yeah, I'm, uh, I'm gonna say no on that one
honestly no, I'm, I'm all set
no, I think I'm good
I'm all set, thanks
we're all set
yeah no, not interested
no, appreciate it, but no
# slang
don't fancy it
I don't fancy it, cheers
not bothered, thanks
can't be bothered
no ta
nah you're alright
ta but no
yeah nah
yeah nah, not for me
no bueno
nah that ain't for me
I ain't interested
I ain't doing all that
nah I'm straight
I'm straight, thanks
don't want none
# plain and negated refusals
not happening
can't see it happening
I don't see it happening
I can't say yes to this
I'm not going to say yes
no way in hell
not in a million years
not gonna lie, it's a no
I'm not gonna do it
I won't
I won't do it
don't think I'll bother
I'm not really feeling it
nah, not feeling it
not for me, I'm afraid
it's not really my cup of tea
I'm gonna have to pass
I'll give it a miss
give it a miss
I'm good on that
I'm good
all good, I don't need it
nah I'll sit this one out
leave it
don't need it
no sorry, not my thing
can you stop messaging me?
can you take me off this list?
how do I unsubscribe?
# typos
not interesed
no thansk
nit interested
im not intrested
# formal
I must respectfully decline.
I will pass on this opportunity.
We are not interested.
Thank you for reaching out, but this is not something I need.
I do not wish to proceed.
I'm afraid I'll have to say no.
"""

UNCERTAIN = """
# short replies and emoji
eh
meh
dunno
idk tbh
mayb
mby
unsure tbh
not sure tbh
eh, maybe
perhaps?
could be?
hmm maybe?
🤔
🤷
🤷‍♀️ idk
😬 not sure
# non-native English
I don't know still
I must think
I need think about it
let me think a little
I am not sure, maybe
maybe, I will see
I will think about it
for now I don't know
I am not decide yet
give me time for think
is difficult to decide
# sales-call speech
uh, I don't, I don't know, honestly
hmm, let me, uh, let me think about that
I mean, maybe? I'm not sure
yeah I, I'm not sure, I'd have to think
um, that's, that's a tough one
well, I, I'm kind of torn on it
I, uh, gotta think about it
it's, um, it's a lot to take in
# slang and regional
I'm in two minds about it
in two minds
could go either way
dunno mate
not sure, mate
eh, we'll see how it goes
I'll have a think
let me have a think
I'll mull it over
it's a toss-up
idk man
idk fam
lowkey not sure
ion know
ion know yet
I'm iffy on it
kinda iffy
# negations that stay undecided
not convinced either way
not a no, but I'm not sure
I'm not not interested, just unsure
I can't say no but I can't say yes
not saying no just yet, let me think
not sold yet
I'm not convinced yet
haven't made my mind up
not decided
I can't tell yet
no idea yet
no clue if I want it
I'm neither here nor there
# questions
do I have to decide now?
can I have a day to think?
should I? idk
hmm should I?
# typos
not sur yet
idk lemme thikn
im not shure
# formal
I will need to give this some thought.
I'm not yet in a position to decide.
I remain undecided at this stage.
Allow me some time to consider it.
I'll need to discuss this with my partner before deciding.
I'm weighing my options.
"""
