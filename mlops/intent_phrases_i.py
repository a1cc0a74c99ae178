"""Negated and double-negated core phrasings for the bootstrap intent corpus
(mlops.intent_corpus): yes, no, uncertain, objection.

Data only, in the format of intent_phrases_a. Negation flips polarity (docs/intents.md):
"not a terrible idea" and "don't mind if I do" agree, "I wouldn't be interested" and
"not down for that" decline, "not a yes yet" hesitates, and "not gonna pay that much"
gives a reason. The words "no", "not" and "don't" appear under every polarity here, so a
classifier has to read the whole phrase. Extends intent_phrases_a, _b and _e's cores.
"""

YES = """
I'm not gonna say no
not gonna say no to that
can't say no to {product}
that's not a terrible idea
not the worst idea
that doesn't sound bad at all
doesn't sound bad, go on
not bad, not bad at all, tell me more
don't mind if I do
I don't mind
don't mind at all
I don't see a problem with that
I've got nothing against it
nothing wrong with that, go ahead
I wouldn't be against it
I'm not gonna argue with that
wouldn't hurt
no harm in that
I can't think of a reason not to
there's no reason I wouldn't
not saying no to that
no question, I'm interested
no hesitation, go ahead
I don't need convincing, go on
no need to convince me, tell me more
you don't have to ask twice
don't have to tell me twice
I'd hate to miss out, tell me more
I don't want to miss this, go on
not gonna pass this up
not passing this up
I'm not one to say no
I won't say no
can't really say no, can I?
nope, no objections
no no, that sounds great
no, that sounds perfect actually
not gonna lie, I'm interested
I don't hate that idea
it doesn't sound half bad
not too shabby, tell me more
can't fault that, go on
can't say I'm against it
not against that at all
send it my way
send it through and I'll have a look
"""

NO = """
I don't think I'll do that
I don't think that's for me
I wouldn't want that
I wouldn't be interested
I won't be needing that
won't be needing it, thanks
I'm not gonna go for it
not going for it
I'm not up for it
not up for that
not down for that
I'm not down
I'm not game
not keen on that
I'm not looking for that
nothing for me, thanks
none for me, thanks
I'll say no this time
can't say I want it
not something I'd go for
doesn't interest me
doesn't appeal to me
that doesn't do anything for me
no interest
zero interest
I'm not feeling it
I don't need anything, thanks
no, don't bother
don't bother, not interested
don't send me anything
I don't want any of it
I'd prefer not to
I'd rather pass
rather not, thanks
I don't see myself going for it
I'm not the right person for this
no, I don't need it and I don't want it
I don't want it, I didn't ask for it
it's not that I'm unsure, it's a no
I'm going to say no
I'd say no
I say no, thanks
I'm gonna say no thanks
yeah, I'm saying no to this one
"""

UNCERTAIN = """
I don't know if I want it
not sure I need it
I'm not sure I'm ready
I'm not saying no, but I need to think
not a definite no, let me think
not a yes yet
I can't say yes just yet
I don't wanna decide right now
can't decide right now
I haven't thought about it yet
I'm not ready to say yes
no idea if I want it honestly
I need a little more time to decide
give me a minute to think
need some time
I need time
not sure, I'll have to see
I don't know if it's for me
I don't know if I'm into it
doesn't hurt to think about it first
I'm not against it, I just don't know yet
not saying yes, not saying no
"""

OBJECTION = """
how can I tell you're legit?
you legit or nah?
prove it's legit first, then maybe
is this legit or a scam?
how do I know you're a real creator and not a scammer?
not gonna pay that much
I'm not paying for something I can get free
I don't have that kind of cash lying around
can't spend money I don't have
not spending that on a video
not when money's this tight
I wouldn't pay half that
no way it's worth that much
it's not worth it for what you get
I don't trust it enough to pay
not without seeing some reviews first
"""
