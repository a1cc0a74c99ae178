# ruff: noqa: E501  (templates are data: one template a line, however long)
"""Round six of training phrasings for the red-flag head: freeloading and payment abuse as
the people who do them put it, the ask stated sideways (issue 17). Written a motive at a
time from the two categories' descriptions and the kinds of thing the development sets
missed, worded apart from their rows; checked on the development sets
(red_flags_dev*.jsonl; dev set D was written for this round before any tuning) and
chitchat's "check" half only.

- Freeloading by entitlement rather than by asking: a long-time fan who "has earned" the
  set, a friend who "got one free", a relative's subscription to be shared, a birthday or
  holiday as the reason it should be a present, the young or the student "who can't pay,
  so email it anyway", files that "cost nothing to copy", a trial reset, a refund asked
  after the thing was used, a shoutout offered as the payment, a business wanting the
  product free "as a pilot" or built first with budget "later".
- Payment abuse as terms: disputes as a habit, the card company "getting the money back",
  a few dollars a week with everything delivered today, a tab or an IOU, paying after a
  review period, paying from someone else's account or app because one's own is frozen.
- NONE: the same motives done honestly (a broken download refunded, a trial that ended in
  a purchase, a friend's recommendation followed by a purchase, a quote for a team, a
  birthday treat bought, a payment plan on the site, a receipt, a payment app that is down
  and another ordinary way to pay).
red_flag_head.phrased_rows draws this module's fillings from a random stream of its own,
after the earlier modules', so adding it leaves every earlier row as it was (round five
found freeloader templates moving the other categories' rows through a shared stream).
"""

SCAM = """
"""

FREELOADER = """
{after|with} {all this time|two years|months} {of|} {supporting|following|tipping} {you|ur page}{,| } {i'd say|i reckon|pretty sure} {i've earned|i get|i'm owed} {a freebie|something free|the bundle gratis}{| lol| tbh}
{a fan|someone|a supporter} {as loyal as|like} me {shouldn't|should not|doesnt} {have to|need to} pay for {the vip|your stuff|the new set}{,| } {right|yeah|surely}{?|}
{you|u} {gave|sent} {my mate|a friend of mine|some guy i know} {a video|the set|pics} {for nothing|free}{,| so} {where's mine|what about me|i want mine}{?| too}
{my|} {brother|sister|flatmate|partner} {pays for|already subscribes to} {your page|the vip}{,| so} {can't you|why not} {just|} {add me|let me in|give me access} {on|through} {his|her|their} {sub|account} {free|for free|too}
{treat|count} {it|the custom|the set} {as|like} {a birthday present|my christmas present|a gift} {and|,} {skip|forget|don't bother} {charging me|the payment|the price} {this time|for once}
{digital|online} {stuff|content|files} {is|are} free to {duplicate|copy|make more of}{,| so} {why|how come} {charge|do you charge} {me|people} {at all|anything}{?|}
{first|the first} {one|video|pack} {free|on you|gratis} and {i might|maybe i'll|i could} {pay for|buy} the {second|next|others}
{can you|could u|pls} {extend|renew|restart} my {free|} {trial|access} {again|once more|one more time}{?|,} {not ready|i dont want} to pay {yet|for it}
{got|took} {everything|all} {i wanted|i needed} {out of|from} {it|the course|the pack}{,| so} {give me|send} {my money back|a refund|the money back}{| now| thanks}
{im|i'm} {just a kid|underage|a teen|a broke student} {with no card|and can't pay|without money}{,| so} {send|give} it {to me|} anyway{| pls| 🙏}
{i'll|ill} {tag|mention|feature} you {in a post|on my page|in my stories}{,| } {that's|thats} worth more than {what you charge|your price|money}{| so send it}
{our|the} {company|team|firm} {would like|needs|expects} {free|unrestricted free|complimentary} access {as an evaluation|for a trial period|for the quarter}{;|,} {pricing|payment|budget} {can be discussed|comes|we'll talk about} {afterwards|later}
{deliver|send|finish} the {finished work|whole job|final files} {on spec|first}{,| and} {we'll|we will} {decide|see} {whether|if} {it's|its} worth paying for
{cmon|come on|pls} {hook|set} me up {with the set|with a vid|with something}{,| } {ill|i'll} be {ur|your} {favorite|biggest|best} fan {forever|for life}
{you|u} {can|could} make for me {special price zero|free price|no money price}{?|,} {i|I} {support you|am your fan|like you} {always|very much}
{if|since} {i|I} {share|repost|promote} {you|ur stuff|your page} {everywhere|all the time}{,| } {i|I} {shouldn't|don't think i should} {have to|need to} pay {for anything|for the vip|a cent}
"""

PAYMENT_SCAM = """
{fyi|just so you know|heads up}{,| } {i|I} {routinely|always|often} {dispute|contest|reverse} {charges|payments|purchases} {after the fact|if i change my mind|when i regret them}
{worst case|if i hate it|if it disappoints}{,| } {my bank|visa|my card company|amex} {refunds|reverses|gives back} {me|the charge|the money}{| anyway| lol}
{i|I} {can|could} {do|manage} {a few dollars|small amounts|{amount}} {a week|a month|each payday} {until|till} {it's|its} {paid off|covered}{,| but} {deliver|send} {everything|the whole thing} {now|first|today}
{start|open} a tab {for me|under my name}{,| } {i|I} {settle up|pay it off|clear it} {eventually|someday|when i can}{,| } {send|deliver} {it|the set} {now|first}
{we|our company} {settle|pay} {invoices|suppliers|vendors} {only after|after} {a 60-day|a 90-day|an extended} {review|evaluation}{,| so} {ship|deliver|send} {everything|the files|the work} {up front|first}
{the money|payment} {will come|is coming} {from|through} {my cousin's|a friend's|my uncle's} {account|paypal|card} {since|because} mine {is frozen|got locked|is blocked}
"""

NONE = """
{i|I} {downloaded|bought} the {course|set|bundle} {and|but} the {file|video} {won't open|is corrupted|is missing}{,| } {could you|can you} {resend|fix|refund} it{?|}
{my|the} {free|} trial {ended|is over}{,| so} {i|I} {just|} {subscribed|upgraded|paid for the full plan}{| , love it}
{my|} {friend|cousin|sister} {recommended|showed me} {your page|you}{,| so} {i|I} {just|} {subscribed|bought the set} {myself|too}
{we'd|we would} like {a quote|pricing|an invoice} for {our team|the whole staff|ten seats}{,| } {the budget|payment} {is approved|comes from finance}
{its|it's} my {birthday|anniversary} {today|this week}{,| so} {i|I} {treated myself|bought myself} {to|} {your new set|the bundle|a custom}{| 🎉}
{do you|can u} {do|offer} {a|any} {payment plan|installments} {through the site|on the app}{?|} {happy to|i'll} {pay|start} {the first part|today}
{i|I} {paid|sent} {the tip|the payment} {through the app|on the site}{,| } {it|the receipt} {says|shows} {completed|paid}
{my|} {venmo|paypal|cashapp|bank app} {is acting up|is down|keeps crashing}{,| so} {ill|i'll} {try|use} {paypal|another card|apple pay} {instead|on the site|through the checkout}
"""

TIME_WASTE = """
"""

EMOTIONAL_MANIPULATION = """
"""
