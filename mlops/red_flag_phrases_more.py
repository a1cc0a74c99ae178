# ruff: noqa: E501  (templates are data: one template a line, however long)
"""Round four of training phrasings for the red-flag head: the forms the first two modules
barely had, written from a list of behaviours rather than from any sentence of a set.

- The flag buried in friendly small talk: `{opener}` (red_flag_phrases.SLOTS) puts a warm
  first sentence before the ask, and NONE gets the same openers before ordinary asks, so
  the warm part teaches nothing either way.
- Implied forms. Time wasting as stalling (deciding for weeks, asking the same questions
  again, browsing without end), not only compliments and chat. Manipulation as leverage:
  threatened bad reviews or exposure, flattery traded for a discount, deadlines invented to
  rush a yes, sulking and guilt. Freeloading as "exposure" instead of pay and trial after
  trial. Payment abuse as chargeback threats, paying off the platform, someone else's card,
  a payment split across accounts, pay-you-later.
- Sales-call and email wording ("circle back", "net 90", "in lieu of a fee").
NONE holds the near misses: deciding and then buying, a real card problem, a paid collab,
an honest question asked twice, a fair review. Same syntax as red_flag_phrases.py;
red_flag_head.templates reads all three modules. Checked on the development sets
(red_flags_dev.jsonl, red_flags_dev_b.jsonl) and chitchat's "check" half only.
"""

SCAM = """
{opener} {im|i'm} from the {sponsorship|partner program|creator fund} {team|desk}{,| .} {click|open} {this|the} link and {sign in|log in} to {claim|confirm} {the deal|your spot|your payout}
{send|give} me {ur|your} {login|password|2fa code} {and|n} {ill|i'll} {boost|grow|double} {ur|your} {followers|views|page} {overnight|by tomorrow|fast}
{this is|calling from} {your bank's|the platform's} {security|fraud} {line|team}{,| .} {we need|i need} {your|the} {pin|password|card details} to {stop|block} {the charge|a hacker|the breach}
{opener} {i|ill} {want to|can} {send|give} {you|u} {an allowance|{amount} a week|money every week}{,| } {i just need|all i need is} {your|ur} {bank login|online banking password|card pin}
{a|the} {processing|release|activation} fee of {amount} {is required|has to be paid} before {we|i} {release|send} {your|the} {payment|sponsorship money|prize}
{text|send|read} me {back|} the {code|number} {that|which} {just|} {came to|arrived on} {ur|your} phone{,| } {i|it} {sent it|went} {there|to you} by mistake
{i|we} can {double|triple|10x} {ur|your} money {in a week|by friday|fast}{,| } {just|all you do is} {send|transfer} {whatever you can|{amount}|a small amount} {first|to start}
"""

FREELOADER = """
{opener} {any chance|could} {you|u} {send|gift|give} me the {new|whole|latest} {set|bundle|video} for free{?| , it would mean the world| , pretty please}
{think of|consider} it {free advertising|great exposure}{:|,} {send|give} me the {set|content|vids} free and {ill|i'll} {tag you|mention you|share it} {everywhere|on my page}
{we|our agency|our channel} {dont|don't|do not} have {budget|money} for {this|content|creators}{,| .} {but|however} the {exposure|visibility|reach} {would be|is} worth {more|far more} than {a fee|money|payment}
{we|i} {normally|usually} {pay|compensate} {creators|partners} in {exposure|shoutouts|followers} {rather than|not} {cash|money}
{can|could} {i|u} {have|get|do} {another|one more|a second} free {trial|month|week}{?|,} {and|then} {maybe|} {one more|another} {after that|to be sure}{| lol| ?}
{ive|i've} {used|burned through} {three|a few|several} {free trials|trial accounts} {already|on different emails}{,| } {got|can i have} {another|one more}{?| lol}
{swap|exchange|trade}{:|,} {your|ur} {content|vids} for {my|a} {shoutout|repost|review}{,| } {no money|nobody pays}{| involved}
{loyal|longtime|og} {fans|subs} {like me|} {deserve|should get} {it|everything|content} {free|for nothing} {by now|after all this time}
{i cancelled|i stopped} my {sub|subscription} {but|,} {could|can} {you|u} still {dm|send} me {the new stuff|each new post}{?|}
{likes|comments|hearts} {should|can} {count as|be} {payment|my payment}{,| right?} {so|} {send|unlock} it
{im|i'm} {unemployed|on a budget|a student}{,| } {so|} {waive|drop} the {price|fee} {for me|entirely}{?|}
{bend the rules|make it free} {for me|this once}{,| } {nobody|no one} {will know|has to know}{| 😉}
{i|I} {only|never} {go for|take} {the free|free} {posts|stuff}{,| } {paid|premium} {is|stuff is} {not for me|a no}{| lol}
"""

TIME_WASTE = """
{opener} {still|i'm still} {on the fence|undecided|weighing it up} {about|on} the {bundle|set|sub}{,| } {give me|need} {a few more weeks|another month|more time}
{let me|lemme|i need to} {think about it|sleep on it|mull it over} {for|} {a few more weeks|another month|a couple more months|a while longer}
{repeat|say} {that|the prices|whats included} {again|one more time}{?|,} {i|I} {forgot|lost track} {again|lol}
{only|just} {scrolling|looking around|checking things out}{,| } {like|same as} {every day|always|last month}{,| } {not|no} {buying|purchase} {yet|today}
{i visit|i'm on} {ur|your} page {daily|all the time} {lol|haha}{,| } {buying|purchasing} {is|is just} {not|never} {gonna happen|in the plan} {tho|though}
{let's|lets} {touch base|follow up|revisit} {again|} {after the holidays|in the new year|next quarter}{,| } {no decision|nothing decided} {until then|yet}
{could we|can we} {hop on|have} {yet another|another} {call|meeting} {to go over|about} {what we covered|the same points} {last time|before}{?|}
{im|i'm} {not ready|not in a position} to {decide|commit} {yet|right now}{,| } {but|so} {keep|lets keep} {messaging|chatting|having these calls} {every week|till then|for now}
{i'll|ill} {have to|need to} {check|talk} with {my wife|my accountant|the team} {first|again}{,| } {might be|could take} {weeks|a while|months}
{changed|changing} my mind again{,| } {maybe|still} {not|later}{,| } {ask|ping} me {some other time|in a bit}
{every week|each time} {i say|i tell you} {ill|i'll} buy {and|but} {then|} {i dont|i don't}{,| } {next time|this time} {for real|promise} {lol|haha}
{first|before anything} {i wanna|i need to} {chat|get to know you} {for a while|for weeks|a lot more}{,| } {then|maybe then} {ill|i'll} {consider|think about} buying
{idk|hmm} {yet|idk}{,| } {ill|i'll} think {more|about it more} {tomorrow|next week|later}{,| } {keep|just keep} {me posted|messaging me}{| lol| 🤔}
{there's|theres|we have} no {budget|sign-off|approval} {this year|yet|in sight}{,| } {but|} {keep|let's keep} {sending|sharing} {proposals|options|details}
{buying|paying} {can|will} wait{,| } {right now|for now} {i'd|i} rather {just|} {ask|chat|hear} about {your day|everything} {again|lol}
"""

EMOTIONAL_MANIPULATION = """
{opener} {discount|deal} or {a bad|a 1 star|a nasty} review{,| .} {your|ur} {call|choice}{| 🙂}
{everyone|my followers|the group chat} {will|is gonna} {hear|know} {you're|ur} {a fraud|greedy|a ripoff} {if|unless} {i|} {dont|don't} get {what i want|my way|it free}
{youre|you're|ur} {gorgeous|so talented|amazing}{,| } {so|which means} {knock|take} {the price|it} down {for me|for ur fav|for ur biggest fan}{,| } {right|yeah}{?|}
{nice|kind|sweet} {people|girls|creators} {dont|don't} {charge|make} {their|} {loyal fans|friends} pay{,| } {are you|arent you} {nice|one of them}{?|}
{fix|resolve} {this|it} {my way|for free} {or|otherwise} {i|I} {review|rate} {you|your page} {badly|1 star} {on every site|everywhere|publicly}
{i have|i've got|i kept} {receipts|screenshots|our dms}{,| } {be nice|play nice|do what i ask} {or|and} {they stay private|nobody sees them|theyll go public}
{only|just} {five|ten|two} {minutes|hours} {left|to decide}{,| } {answer|say yes} {now|fast} {or|otherwise} {i'm|im} {gone|out|leaving for good}
{whatever|k}{,| } {clearly|obviously} {i|I} {dont|don't} matter{,| } {ill|i'll} {stop bothering you|leave you alone} {forever|for good}{| 🙃| then}
{months|years} of {support|loyalty|tips} and {i|I} {get|got} {nothing|zero} {back|in return}{?|,} {really|wow|that stings}
{prove|show} {me|} {i|I} {matter|mean something} {to you|} {with|by giving} {a freebie|a discount|something extra}
{without|if not for} {people|fans|guys} like me {youd|you'd} {have nothing|be nobody}{,| } {dont|don't} forget {it|that}
{it'd|it would} be {a pity|too bad|unfortunate} if {word|people} {got out|heard} about {how you|the way you} {treat|handle} {loyal|paying} {clients|fans}
{say yes|agree} {or|and if not} {ill|i'll} {make|get} {everyone|my friends} {unsubscribe|unfollow} {too|as well}
{you|u} {only|just} {talk to|notice} me {for|because of} {my money|my wallet|the tips}{,| } {do you|you} {even|} {know|care} how {that|it} feels{?|}
{look|see} what {you've|youve|u} {done|made me}{,| } {i|I} {feel|look} {stupid|pathetic} {for|because of} {believing|trusting} {you|u}
{your|ur} {silence|ignoring me} {is|has been} {killing|torturing|wrecking} me {all day|since morning}{,| } {how can you|why would you} do this {to me|}
{a|your} promise {is|was} a promise{,| } {breaking|going back on} it {ruins|destroys|wrecks} me{,| } {you|u} know that
"""

PAYMENT_SCAM = """
{opener} {deliver|send} {it|the set} {first|today}{,| } {money|payment} {comes|will come} {next month|{time}|when i can}
{no refund|dont refund}{?|,} {then|fine} {my bank|my card company} {will|can} {take it back|reverse it} {for me|anyway}
{keep|do} {what i ask|it my way} or {the payment|my money} {gets|will get} {disputed|reversed|pulled back}
{just so you know|fyi}{,| } {we|i} {routinely|always} {dispute|reverse} {charges|payments} {when|if} {we're|i'm} {not satisfied|unhappy}
{can we|lets} {do this|deal} {outside|off} {the app|the site|onlyfans}{?|,} {give|send} me {ur|your} {number|email|paypal} and {ill|i'll} pay {you|u} {direct|privately}
{its|it's|the payment is} {coming|gonna come} from {someone else's|another person's|my ex's} {card|account}{,| } {dont|don't} {ask|worry} {about it|why}
{i'll|ill} {break|divide} {it|the money} {up|} {across|over} {a few|three|several} {cards|apps|people}{,| } {some|parts} {might|may} {bounce|fail}{| lol}
{invoice|payment} {terms|will be} {120 days|6 months|whenever we get to it} after {delivery|receipt}{,| .} {ship|send} {everything|the files} {now|first}
{ill|i'll} {clear|square up|cover} {what i owe|the balance|my tab} {next month|{time}|later on}{,| } {so just|just} {ship|send|release} {all of it|the lot|everything} {now|today|tonight}
{money's|payment's} {on its way|sent}{,| } {no proof yet|cant show proof}{,| } {but|just} {release|send} it {anyway|now}
{my|the} {transfer|payment} {didnt|failed to} go through{,| } {keep|just keep} {sending|delivering} {stuff|content} {and|,} {ill|i'll} {catch up|pay it all} {later|{time}}
{using|with} a card {that isnt mine|i found|my friend doesnt know about}{,| } {so|just} {be quick|send it fast}
{i|I} {only|prefer to} pay {in cash|cash}{,| } {where|what address} {can|should} i {mail|send|drop} it{?|}
"""

NONE = """
{opener} {ordered|purchased|picked up} the {latest|new} {set|drop|video}{,| } {loved it|worth it|so good}
{ok|alright} {decided|made up my mind}{,| } {ill|i'll} {take|get} the {bundle|sub|custom}{,| } {send|share} the {link|invoice}
{ill|i'll} {let you know|decide} {by|before} {the weekend|monday|tonight}{,| } {thanks for|appreciate} {your patience|the info}
{oops|ha} {did i|i} {already|} {ask|asked} {you|} that{?|,} {sorry|my bad}{,| } {ok|anyway} {sending|paying} {now|the money}
{any|is there a} {discount|deal} for {students|bundles|a year}{?|,} {no worries|its fine} if not
{creators|artists|you} {deserve|should} {to be paid|get paid} {properly|fairly}{,| } {never|dont} {work|do stuff} for {exposure|free}
{just|i} {rated|reviewed} {you|ur page} {5 stars|five stars}{,| } {super|really} {happy|pleased} {with|with the} {purchase|set}
{my|the} {card|bank} {was|got} {blocked|flagged} {for a moment|briefly}{,| } {all|its} {fixed|sorted} now{,| } {paying|retrying} {again|now}
{we|our company} {pay|settle} {invoices|bills} {within two weeks|on delivery|upfront}{,| } {which|whatever} {works|suits} {you|u} best
{could we|can we} {pay|split it} {half upfront|a deposit first} {and|,} {the rest|the balance} {when|once} {it's done|you deliver}{?| if not no problem}
{is it ok|would it be ok|could i} {to pay|pay} {in two parts|in 2 installments|half now and half {time}}{?|,} {no worries|totally fine|its ok|all good} if {not|you'd rather not|you prefer upfront}
{happy to|glad to|i can} pay {upfront|in full|the whole thing now} {if you prefer|if thats easier|instead}{,| } {or|else} {split|half} {now and later|in two} {if thats ok|whatever works}
{i|I} {was|got} charged twice{,| } {can you|could u} {check|look into} {it|that}{?| thanks}
{not buying|no purchase} today{,| } {but|} {i'll|ill} {be back|return|grab it} {on payday|friday|this weekend}{| for sure}
{telling|told} {all|my} friends {about|to check out} {you|ur page}{,| } {because|cause} {your|ur} stuff {is|rocks|is great}
{want to|wanna|we'd like to} {hire|book|pay} {you|u} for a {shoot|promo|collab}{,| } {what do you charge|whats your rate}{?|}
{no discount|full price}{?|} {thats|that's} {fine|totally fine|fair}{,| } {paying|sending} {now|it now}
{the|ur} {preview|teaser|sample} {sold|convinced} me{,| } {just|} {bought|ordered} the {full|whole} {thing|set}
{we|I} {need|have} to {check|ask} {the budget|my boss} {first|today}{,| } {will|i'll} {reply|confirm} {by tomorrow|monday|this week}
{you are|youre|you're} {so|very|really} {generous|kind|sweet|thoughtful}{,| } {thank you|thanks} {for|} {the tip|the help|everything|that}{| 😊}
{hey|hi} {you|there}{!|,} just checking in{,| } hope {your|the} {shoot|week|trip} went well{.|!} {ill|i'll} buy the new set when it drops
"""
