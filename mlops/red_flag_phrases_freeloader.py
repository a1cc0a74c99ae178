# ruff: noqa: E501  (templates are data: one template a line, however long)
"""Round five of training phrasings for the red-flag head: freeloading and payment abuse
written facet by facet from the freeloader and payment patterns' descriptions in
red_flags.yaml, checked on the development sets (red_flags_dev*.jsonl; dev set C was
written for this round before any tuning) and chitchat's "check" half only.

- Payment: paying off the platform to dodge its fees, the bank told "it wasn't me" after
  delivery, a chargeback promised if the content disappoints, a tab or installments with
  delivery first, a card or account that is not the payer's, "pay you tomorrow, send now",
  learner-English "payment after receive".
- NONE: the same topics done honestly (a refund for a doubled or broken charge, buying
  later by simply waiting for payday, sharing a page one already pays for, a card shared
  with consent, asking once what the trial or free tier includes).
- FREELOADER is empty on purpose. Templates for its edges (waiving the price "this once",
  refund after use, promotion instead of pay, a regular's standing discount) were tried:
  they moved dev set C by one or two rows but cost the other categories several (dev 0.95
  to 0.92), because red_flag_head.phrased_rows draws every category's fillings from one
  random stream and freeloader comes before time wasting and manipulation, and because
  refund-after-use pulled chargeback threats over to freeloading. Those edges are taught
  through the freeloader patterns' examples in red_flags.yaml instead, which the head also
  trains on and which match by meaning without moving anything else.
Same syntax as red_flag_phrases.py; red_flag_head.templates reads it.
"""

SCAM = """
"""

FREELOADER = """
"""

PAYMENT_SCAM = """
{dm|send|give} me {ur|your} {cashapp|venmo|paypal|bank details}{,| } {i|i'd rather} {dont|don't|not} {wanna|want to|} pay {through|on|via} the {site|app|platform}
{skip|bypass|avoid} the {platform|site|app|fees}{,| } {pay|send} {me|it|you} {directly|on {pay}|privately} and {you keep|u keep} {everything|100%|all of it}
{ill|i'll|let me} {transfer|send|pay} it {myself|directly|straight to you} {instead of|without|outside} {using|going through} the {platform|app|site}
{ill|i'll} {buy|pay for} it {and then|then} {call|tell} my {bank|card company} {it wasn't me|it was fraud|i never ordered it}
{put|add} it {on|to} my tab{,| } {im|i'm} good for it{| , promise| lol}
{ill|i'll} pay {in|} {little bits|small amounts|bits and pieces|installments} {over|across} {a few|several|six} months{,| } {send|give me} {everything|it all|the lot} {first|now|today}
{using|paying with} my {dad's|mom's|roommate's|brother's|boss's} {card|paypal|account}{,| } {he|she} {won't|doesn't} {notice|need to know|know}
{found|got} a card {number|} {online|from a friend|on a forum} {that|which} {still works|works}{,| } {ok|fine|cool} {with u|with you|?}
{pay|paying} {u|you} {tmrw|tomorrow|later|{time}} {promise|i swear|🤞}{,| } {send|give} {it|the set|everything} now{| pls| 🙏}
{if|should} the {content|video|set} {not|doesn't|does not} {meet|match} my {standards|expectations}{,| } {i'll|i will|ill} {initiate|file|open} a {chargeback|dispute} {with my bank|with visa|on my card|}
{ill|i'll|gonna} {dispute|reverse|charge back} the {charge|payment} {with my bank|with visa|with mastercard|} {if|when} {i don't like it|it's not what i want|im not happy}
{i|I} {make|do} payment {after|only after} {receive|i receive|delivery}{,| .} {this is|is} {how|the way} {i|I} {do business|work} {always|}
"""

NONE = """
{is there|do you have|do u have} a free trial{?|,} {just|i just} {want|wanna} to {see|check} {before|first before} {i commit|subscribing|i buy}
{what's|whats|what is} {included|in} {in the|the} free {tier|posts|plan}{?|} {thinking of|might be} {upgrading|subscribing}
{i was|got} charged {twice|two times|double} for the {same|one} {set|video|sub}{,| } {can you|could u} refund {one|the extra one}{?|}
{the|my} {download|link|file} {is broken|wont open|doesn't work}{,| } {can i get|could i have} a {refund|new link}{?|}
{i|I} {shared|reposted|recommended} {your page|ur post|you} {to|with} {my friends|my followers}{,| } {already|just} {subbed|subscribed|bought the set} {myself|too|}
{im|i'm} {broke|short} this month{,| } so {i'll|ill} {wait|hold off} {until|till} {payday|{time}} to {buy|subscribe}{| , no rush}
{cant|can't} afford {the vip|the bundle|it} {right now|rn}{,| } {but|so} {i'll|ill} {keep|stay on} my {basic|normal} sub{| for now}
{my|the} {wife|partner|husband} and i {share|use} {the|one} card{,| } {she|he|they} {knows|know|is fine with it}{| haha| lol}
{does|do} {the site|the platform|you} {take|accept} {crypto|bitcoin|paypal} {or|or just} {only cards|cards}{?|}
{i'll|ill} {renew|buy it|subscribe} {on|when} {the 1st|payday|friday} {when|once} my {salary|paycheck|pay} {comes in|lands}
{paid for|bought|ordered} the custom {through the site|on the app|just now}{,| } {cant wait|can't wait|so excited}{| 😊}
{any|are there} {sales|deals|discounts} {coming up|soon|for black friday}{?|} {ill|i'll} {buy|grab} {then|either way}
"""

TIME_WASTE = """
"""

EMOTIONAL_MANIPULATION = """
"""
