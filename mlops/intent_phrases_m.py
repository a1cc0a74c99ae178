"""More phrasings for the bootstrap intent corpus (mlops.intent_corpus): negations whose
polarity is not the negator's, found thin by a negation-only development set
(mlops/data/intent_negation_dev.jsonl, never the held-out set), written before these.

Data only, in the format of intent_phrases_a. Each block is a family, not a sentence: the
same turn of phrase with other verbs, objects and registers, so the head learns the
construction rather than the development set's wording. What is here:
- yes through a refused refusal ("hard to say no", "not gonna turn it down", "how could i
  resist"), a double negative ("not not into it"), a hesitation that is over ("not on the
  fence anymore"), no persuasion needed ("you don't need to sell it to me"), a reassurance
  before agreeing ("don't worry, i'm in"), an interjected "no" that answers a worry ("no,
  not worried at all, go ahead") and "not me saying yes already";
- no through a negated yes or sign-up ("not a yes from me", "don't put me down for it"),
  a negated good idea or fit ("doesn't sound like a good idea to me"), indifference
  ("couldn't care less"), not seeing oneself buy, and a rhetorical question then a no;
- hesitation that names both answers ("can't say yes or no yet"), which is neither;
- goodbyes that carry a negator ("can't stay, bye").
"""

YES = """
# a refusal refused
honestly it's hard to say no to that
tough to say no to {product} tbh
kinda impossible to say no to that lol
i can't bring myself to say no, go ahead
couldn't refuse even if i tried, i'm in
i'm not gonna turn that down
won't be turning that down, send it
not turning down {product}, yes
can't pass this up, sign me up
not passing up on that, let's go
how could i resist, go on then
how can i say no to that 😅
how could anyone say no, i'm in
i won't refuse an offer like that
not refusing that, go ahead
at that price i can't say no
for that price how could i say no, yes
wouldn't miss it for the world, count me in
not missing out on this one, i'm in
can't think of any reason not to, go ahead
i can't find a reason to say no
can't see a reason not to, let's do it
# a double negative
i'm not not into it, go on
not not tempted ngl, tell me more
i'm not NOT interested haha, tell me more
not not keen tbh, send it
it's not that i don't want it, i do, let's go
# a hesitation that is over
not on the fence anymore, let's do it
no longer unsure, go ahead
i'm not undecided now, sign me up
not torn about it anymore, yes
no more doubts, count me in
# no persuasion needed
you don't need to sell it to me, i'm in
dont need to convince me, lets go
no need to persuade me, yes please
you don't have to convince me twice
no convincing needed, send it over
u had me at free trial, no need to say more
# a reassurance, then agreement
don't worry, i'm in
dont worry bout it, send it over
don't worry, i'm definitely keen
no need to worry, i want it
# an interjected no that answers a worry, then agreement
no, not worried at all, go ahead
no no, it's all fine, let's do it
nah it's fine, go ahead and book it
no, no problem at all, sign me up
nope, no issues, let's proceed
no, that doesn't bother me, let's go
# agreement said against a negated alternative
i'm not saying maybe, it's a yes
not a maybe, a definite yes
it's not a no, it's a yes
not me saying yes already lol
not me signing up in two seconds 😭
never thought i'd agree but yes
never been so sure, let's do it
not a hard decision, i'm in
no brainer, sign me up
it's a no-brainer, go ahead
# a sales call, no objection left
i don't have any objections, let's proceed
no concerns on my side, go ahead
nothing holding us back, let's move ahead
i don't see any reason not to proceed
we don't have any issues with that, go ahead
"""

NO = """
# a negated yes or sign-up
not a yes
dont add me
not keen, no
not doing it
not my vibe
not a fit
won't be joining
nah, not keen
no sign up
not signing up
never, thanks
not a yes from me, sorry
that's not a yes, no thanks
i'm not agreeing to that
i'm not saying yes to any of it
don't put me down for it
pls dont add me to that
don't sign me up for anything
do not enroll me, thanks
please don't book me in
please don't send me anything, no thanks
don't go ahead with it, i've changed my mind
pls dont sign us up, not interested
i'm not doing this one lol
we've chosen not to proceed
we won't be pursuing this, thanks
don't include me in this
# a negated good idea or fit
that doesn't sound like a good idea to me
doesn't seem like a great idea, no thanks
i don't think that's a good idea for me, no
nah don't think it's a good idea
it's not the right fit for me, no thanks
doesn't really work for me, sorry
this doesn't suit us, we'll pass
not a fit for us at all
# indifference
couldn't care less about it, no
i could not be less interested
i don't care for it, thanks
# not seeing oneself buy
i don't see myself using it
can't see us signing up, sorry
i can't picture myself buying that
don't see it happening, no
# a plain "say no": the refused refusals above share its words
i'm going to say no to that
gonna say no, thanks
i'll have to say no this time
i say no, not interested
my answer is no, sorry
# a rhetorical question, then no
why would i? not interested
do i look interested? no
what makes you think i'd want that? no thanks
isn't that obvious? it's a no
why would we need that? no thanks
"""

UNCERTAIN = """
# both answers named, neither given
can't decide yet
not decided yet
yes? no? dunno
can't say yes or no just yet
not a yes or a no yet, still thinking
i don't know if it's a yes or a no
can't decide yes or no rn
"""

GOODBYE = """
can't stay long, bye!
gotta run, don't miss me too much
can't chat more, see ya
don't forget me, bye 😘
no more from me, night night
"""
