"""Core phrasings for the bootstrap intent corpus (mlops.intent_corpus): yes, no, uncertain.

Data only. One phrasing a line; `#` lines are notes; `{slot}` names a filler the generator
draws (intent_phrases_d.SLOTS). Labels follow docs/intents.md; each phrasing carries one
intent on its own, so the generator may add openers, closers and other clauses around it.
"""

YES = """
sure
sounds good
yes please
yeah sure
yep
yup
ok tell me more
absolutely, sounds great
that sounds amazing
I'd love that
I'd love to
sure thing
of course
go for it
sure, why not
why not
let's hear it
tell me more
tell me more about {product}
I'm interested
I'm interested in {product}
very interested
yes I want {product}
I want it
I'd like {product} please
sign me up
works for me
that works for me
fine by me
perfect, go ahead
okay go ahead
yes go ahead
yes, send me the details
send me more info
send over the details please
what do I need to do next?
how do we get started?
I'm down
down for it
I'm so down for that
hell yeah
heck yes
yes yes yes
omg yes
100%
definitely
definitely yes
absolutely
for sure
totally, let's hear it
that's exactly what I need
that's exactly what I was looking for
I like the sound of that
I like that idea
great idea
good idea
love that idea
you had me at {product}
sounds like a plan
that would be great
that'd be perfect
alright, you convinced me
ok you've got me interested
I'm curious, go on
go on
keep going, I'm listening
please continue
I'm all ears
yeah that works
yeah I'd be up for that
I'm up for it
I'm game
sure, I'm game
I'm open to it
I'm open to {product}
I'd be happy to try it
let's give it a shot
happy to give it a try
yes I'm still interested
still interested, yes
yeah I'd like that
yes I want to know more
I need this in my life
ooh yes
ok sure
okay sounds good
alright sounds good
yes that sounds good to me
sounds good, what's next?
Yes, I would be interested in learning more.
That sounds reasonable to me.
Yes, please proceed.
I agree with your proposal.
That works, please send the details.
Certainly, I'd like to hear more.
# negation that agrees, and double negation
not a bad idea
not a bad idea, sign me up
not a bad idea at all
wouldn't say no
I wouldn't say no to that
can't wait to try it
can't wait
no doubt, I'm in
no doubt about it, yes
I'm not unsure, I want it
I can't say no to that
no reason not to, go ahead
I don't see why not
don't see why not
no problem, go ahead
no worries, send me the details
no objections here, sounds good
I don't mind at all, go ahead
I have no problem with that
never said no, tell me more
it's not that I don't want it, I do
not gonna lie that sounds great
I'm not saying no, I'm saying yes
couldn't agree more
can't argue with that
no complaints, sounds good
not opposed to that at all
I'm not against it, go ahead
"""

NO = """
no
no thanks
no thank you
nope
nah
nah I'm good
definitely not
absolutely not
not for me
no thanks, not for me
not interested
Nope. Not interested.
I'll pass
I'll pass on that
hard pass
I don't think so
I don't think so, no
not really
not really interested
no way, not doing that
not a chance
never
no, never
nope, not happening
that's a no from me
it's a no
gonna have to say no
I have to decline
I'll have to decline
I'd rather not
I don't want it
I don't want {product}
no I don't want that
I'm not interested in {product}
not interested at all
not interested, please stop
please stop messaging me about this
stop sending me offers
no, stop
don't want it, thanks
no, I'm not buying anything
I'm not going to buy it
I won't be buying
I won't be signing up
count me out
leave me out of this one
not this time
no means no
I said no
still no
my answer is no
the answer is no
nope nope nope
nah not for me
nah I'll pass
no, not interested, thanks
thanks but no thanks
thanks, but I'll pass
I appreciate it but no
appreciate the offer but no
I'm good, no thanks
sorry, not interested
not for me, sorry
sorry but no
nope, I'm out
I'm not doing that
not gonna happen
that's not happening
forget it
no, forget it
I wouldn't say yes to that
can't say I'm interested
I don't think I want it
I don't think I'm interested
I really don't want it
I'm not into it
not into it
not my thing
not my thing, thanks
it's not for me
this isn't for me
no, I'll skip it
I'll skip this one
no no no
nah that's not for me
no sorry
absolutely not, thanks
definitely not for me
I don't want to
I don't wanna
I'm not gonna do that
no I'm not interested in any of that
not now, not ever
I decline
I'm not buying
I'm saying no
no, I'm good
nah, I'm good thanks
unsubscribe me please
No, thank you. I am not interested.
Thank you, but I must decline your offer.
I will not be proceeding.
We will not be moving forward with this.
Please remove me from your list.
"""

UNCERTAIN = """
maybe
maybe, idk
not sure
not sure yet
I'm not sure
I'm not sure about this
idk
idk honestly
I don't know
I don't know yet
I dunno
hmm I dunno
let me think about it
let me think
I'll think about it
I need to think about it
I need some time to think
need time to think
give me some time to decide
I haven't decided yet
still deciding
I can't decide
can't make up my mind
I haven't made up my mind
I'm on the fence
on the fence about it
torn on this one
I'm torn
possibly
perhaps
could be
might be interested, not sure
I might
I might do it, I might not
I might be interested
kinda interested but not sure
50/50 on it
I'm undecided
undecided
let me sleep on it
I'll sleep on it
let me mull it over
I need to run it by my partner
let me check with my wife first
I have to ask my husband
I need to talk it over with my boss first
not sure it's for me
not sure if I want {product}
hmm
hmmm let me see
let me see
we'll see
I guess maybe?
maybe? I don't know
it depends
I'm not ready to decide
not ready yet
I'm not ready to commit
I'm a bit hesitant
kinda hesitant
I have mixed feelings
mixed feelings about it
I'm still thinking
still thinking about it
still thinking it over
I'm thinking about it
leaning towards maybe
I'm not 100% sure
not totally convinced yet
I can't say for sure
I can't say yet
hard to say
I'm unsure
unsure
I'm not certain
I don't know if I can commit
I don't know, it's a lot to think about
don't know yet, maybe
maybe maybe not
possibly, we'll see
ehh maybe
meh, maybe
idk yet
idk, let me think
lemme think
lemme think about it
I'm not sure what to do
not sure what I want yet
ugh I can't decide
can I think about it?
could I have some time to think it over?
is it ok if I think about it first?
I am uncertain about this.
I will need some time to consider.
I need to consider my options.
I will have to think it over.
I'd like to take some time to reflect.
# negation and double negation that stay undecided
I'm not saying yes, I'm not saying no
not a yes, not a no
not a no yet, but not a yes either
I don't not want it, I'm just not sure
it's not that I don't want it, I'm just not sure
"""
