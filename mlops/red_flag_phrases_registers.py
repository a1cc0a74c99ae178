# ruff: noqa: E501  (templates are data: one template a line, however long)
"""More training phrasings for the red-flag head, written a register at a time.

red_flag_phrases.py was written from a typology of scams; these were written afterwards,
freehand, by imagining who sends each kind of message and how they type: a fan in DMs
(slang, no capitals, "u", "ur"), someone on a sales call or a formal email ("Kindly",
"per our policy"), and the indirect ask that never names what it wants ("a little
something", "you know what i mean"). Same template syntax and categories as that module
(red_flag_head.templates reads both). Nothing here was taken from an evaluation set.
"""

SCAM = """
{final notice|urgent|last warning}{!|:|,} {ur|your} {account|page|profile} {will be|is being} {deleted|suspended|banned}{,| } {tap|click|open} the link to {save|keep|restore} it
{whats|what's} {ur|your} {mother's|mothers} maiden name and {the name of|} {ur|your} first {pet|school}{?|,} {for|its for} the {payment form|verification|transfer}{| lol}
{sweetheart|dear|my love} {im|i'm} {stuck|working} {on an oil rig|overseas|in the army}{,| } {my|and my} {card|account} {is|got} {blocked|frozen}{,| } {buy|get} me {card} cards {and|,} {ill|i'll} {repay|pay} {you|u} {double|triple|back}
{my|our} {financial advisor|trading group|mentor} {guarantees|promises} {20%|30%|50%} {a month|a week|returns}{,| } {put in|send} {whatever you can|{amount}} and {ill|i'll|he'll} {manage|grow} it for {you|u}
{im|i'm} a {casting director|talent scout|brand manager} {for|at} {netflix|nike|a big label}{,| } {youre|you're} perfect {for the role|for us}{,| } {just|only} pay the {audition|booking|application} {deposit|fee}
{this is|hi from|message from} {the|your} {instagram|tiktok|youtube|creator} {partner|monetization|copyright} {team|department}{,| :} {unusual activity|a copyright strike|a violation} {was detected|has been reported} on your {account|page}{,| .} {verify|log in|confirm} {here|through this link|at the link below} {to keep it active|or lose it|within 24h}
{we|i} {noticed|saw} {suspicious|unusual} {logins|activity} on {your|ur} {account|page}{,| .} {reply with|send us|tell me} the {code|6 digit code|otp|security code} {we|i} {just sent|texted you}
{ur|your} {payout|earnings|creator fund payment|reward} {is|are} {on hold|frozen|pending review}{,| .} {pay|send} {a small|the} {fee|processing fee|release fee} {with|via|using} {card} {cards|} to {release|unlock} it
{my|a} {cousin|friend|mentor|uncle} {trades|does} {crypto|forex|bitcoin|nft flips}{,| .} {send|give} me {amount} and {he|ill|we} {will|can} {turn it into|flip it to|make it} {amount}{| by friday| in a week| guaranteed}
{you|u} {won|have won|were picked for} {our|the|a} {giveaway|raffle|promo}{!|,} {just|only} {pay|cover} the {shipping|fee|taxes} {and|to} {claim|get} {your|the} {prize|iphone|gift}
{we|our agency} {would love|want} to {sign|book|feature} you{,| .} {there is|theres} {just|only} a {small|one time} {registration|onboarding|portfolio} fee of {amount} {first|upfront|before the shoot}
{to|so i can} {pay|send} {you|u} {the money|ur allowance|{amount}}{,| } {i|ill} {need|just need} {your|ur} {banking app|online banking|cashapp} {login|password|pin}{| real quick| thats all}
{scan|open|click} {this|the} {qr code|link|form} and {enter|type|put in} {your|ur} {card details|bank pin|password|ssn} {to get paid|for the payment|so the money comes through}
{can u|could you|pls} {read|send|tell} me the {numbers|code|digits} on {the back of|} {your|ur} {card|debit card|gift card}{| real quick| so i can send the money}
{Dear|Hello} {creator|valued partner|user}{,|} {kindly|please} {confirm|update|provide} your {payment details|card number and CVV|login credentials} {to receive|to process|for} {your|the} {sponsorship|commission|payout}
{go to|run to} {walmart|target|cvs|the store} {and|,} {get|grab|buy} {two|three|some} {card} {cards|} {and|then} {send|text} me {the codes|pics of the backs}{| , ill pay you back| , its for the payment}
{im|i am} {an|a} {investor|rich businessman|oil engineer|doctor overseas}{,| } {i|ill} {can|will} {send you|give you} {amount} {a week|every month}{,| } {just|all i need is} {a small fee|your bank login|a gift card} {first|to start}
{hey|hi} {i|we} {sent you|accidentally sent you} a {code|verification code|login code} {by mistake|by accident}{,| } {can you|pls} {send it back|forward it|tell me what it says}
{download|install} {this|our|my} {app|extension|software} {and|,} {log in|sign in} {with|using} {your|ur} {account|instagram|bank} {to get|for} {paid|the collab|your reward}
"""

FREELOADER = """
{tip jar|wallet|bank account}{'s|s| is} {empty|dry|broke} {this month|rn|lol}{,| } {but|so} {would|could} {u|you} {spoil|treat} me {with|to} a {freebie|free pic|little something} {anyway|this once}
{all|most} {the other|} {pages|creators|girls} {give|offer} a {free trial|free week|free preview}{,| } {why|how come} {should i|do i have to} pay {upfront|first|before seeing it}{?|}
{ill|i'll} {pay|tip} {after|once} {you|u} {show|send} me {the whole thing|everything|the full set}{,| } {deal|ok|promise}{?|}
{do u|do you} {do|have} {free|} {samples|teasers|previews} {for|on} {request|new fans|dm}{?| , would love one| , just one pls}
{can|could} {u|you} {send|do} {a|one} {custom|personal} {pic|vid|clip} {for me|with my name} {for free|as a favour|no charge}{?|}
{i|ill} {pay|subscribe} {for sure|def|100%} {but|just} {send|show} me {a|one} {free|} {pic|sample|preview} {first|to see if its worth it}
{cn|can|could} {u|you} {send|drop|share} {a few|some|a couple} {free|} {pics|vids|previews} {first|before i decide}{?| , if i like them ill sub| , then maybe ill pay}
{im|i'm} {broke|poor|short on cash} {rn|this month|till payday} {but|,} {im|i'm} {ur|your} {biggest|number one|#1} fan{,| } {hook me up|look out for me|do me a solid} {with|on} {the|a} {vid|set|pic}
{how do i know|how can i tell|prove} {ur|you're|you are} {real|actually you|legit}{?|,} {send|take} a {selfie|pic|video} {holding|with} {a paper|a sign|my name|today's date}{| first| for free}
{come on|cmon|pls} {just|only} {one|a} {little|tiny|small} {preview|peek|sample}{,| } {nobody|no one} {pays|buys} {without seeing it|blind|for nothing}
{its|it's} my {birthday|bday|anniversary} {today|this week}{,| } {send|gift} me {something|a set|a vid} {free|for free|on the house}{| as a present| pls| 🥺}
{ur|your} {stuff|content|prices} {is|are} {way|so} {overpriced|too expensive}{,| } {just|} {send|give} {it|me some} {for free|for nothing} and {ill|i'll} {promote|share|shout out} {u|your page}
{Id|I'd} {love|like} to {buy|support you}{,| } {but|though} {money is tight|things are hard|im between jobs}{.|,} {any chance|could} you {gift|send} me {something|a little something|one for free}{?|}
{give|send} me a {code|discount|coupon} {for|that makes it} {100% off|free|zero}{,| } {ur|you} {owe|should do that for} {ur|your} {fans|loyal followers|supporters}
{share|send} {ur|your|the} {drive|dropbox|mega|vault} {link|folder} {with everything|to all of it}{,| } {ill|i'll|i might} {tip|pay} {later|after|if i like it}
{do|got} {u|you} {have|any} {freebies|free stuff|a free sample} for {loyal|old|ride or die} {fans|followers|supporters}{?| asking for me| lol}
{can i|lemme|let me} {get|have} a {taste|sneak peek|free look} {before i|first then i} {commit|subscribe|pay}{?|,} {like|maybe} {two|2 or 3|a few} {pics|clips}{| , no charge| free}
{send|show} me {what i'd|what im} {paying for|getting} {first|upfront} {for free|at no cost}{,| } {then|and then} {we can|ill} {talk|think about} {price|paying}
{i|ive} {supported|followed|liked} {you|ur posts} {since|for} {forever|day one|years}{,| } {so|dont i} {deserve|get} {something|a freebie|one vid} {free|for free|on the house}{?|}
{other|most} {girls|creators|models} {send|give} me {free|} {previews|pics|stuff} {first|for free}{,| } {why|how come} {dont|won't} {you|u}{?|}
{i|ill} {repost|share|promote} {your|ur} {page|stuff} {to my|for my} {followers|friends|1k followers} {in exchange for|if you send|for} {a free set|free content|some pics}
{cant|can't} {afford|pay for} {it|the sub|ur stuff} {rn|right now|this week}{,| } {but|so} {could you|can u} {just|} {send|share} {one|a pic|something} {for free|anyway|pls}
"""

TIME_WASTE = """
{wyd|what u doing|whatcha doing} {rn|right now|tonight}{?|,} {im|i'm} {just|} {bored|lying in bed|chilling}{,| } {tell me|say} something {interesting|random|fun}{| lol| haha}
{do|would} {you|u} {believe in|think there are} {aliens|ghosts|soulmates|fate}{?|,} {i have|got} {so many|a million|more} {questions|things to ask} {for you|lol|haha}
{if|when} {you|u} {ever|} {visit|come to} my {city|town|country} {we should|lets|wanna} {go on a date|grab dinner|hang out}{,| } {would you|wouldnt that be fun}{?|}
{sorry|my bad} for {the|all the|so many} {messages|texts|dms} {lol|haha}{,| } {i just|i} {like|love} {talking to|texting} {you|u} {more than anyone|so much|a lot}
{random|weird|dumb} question{:|,| but} {if you could|would you rather} {live anywhere|have any superpower|be any animal}{,| } {what|which} would {it|you pick} be{?|}
{lets|can we} {play|do} {20 questions|truth or dare|would you rather}{?|,} {ill|i'll|you} {go|start} first
{what|wat} {are|r} {u|you} {up to|doing} {this weekend|tonight|later}{?|,} {any|got} {plans|fun plans}{?|} {tell me|spill}{| lol}
{i|i just} {wanted|wanna} to {say|tell you} {goodnight|good morning|hi} {again|like always|before bed}{,| } {how|hows} {was|is} {ur|your} {day|night}{?| , tell me everything}
{youre|ur} {so|really} {easy|fun} to talk to{,| } {can we|lets} {keep|just keep} {talking|chatting} {all night|for hours|forever}{?| lol}
{I|i} {dont|don't} {really|usually} {buy|pay for} {content|stuff on here}{,| .} {I|i} {mostly|just} {message|chat with} {creators|girls|people} {to talk|for fun|for company}
{how|so how} {do|did} {you|u} {get into|start} {this|modeling|creating content}{?|,} {tell me|whats} the {whole story|story}{| , i got time| lol}
{do u|do you} {ever|} {get|feel} {lonely|bored|tired} {doing this|on here|at night}{?|,} {me too|same}{,| } {lets|we can} {talk|chat} {then|more}
{so|ok so} {whats|what's} {ur|your} {zodiac|star sign|sign|mbti}{?|,} {im|mine is} {a leo|a scorpio|an aries|intj}{| , i bet we match| lol}
{tell me|i wanna know} {about|everything about} {your|ur} {childhood|family|ex|school days|hometown}{| , where did u grow up| , what were ur parents like}
{ur|you're|you are} {honestly|literally|genuinely} the {prettiest|hottest|cutest|most beautiful} {girl|woman|person} on {this app|here|the internet}{,| } {just|} {wanted|thought} {u|you} {should know|to know}{| lol| fr}
{not|im not} here to {buy|pay for|spend on} {anything|stuff|content}{,| } {just|i just} {want|wanted} {someone|somebody} to {talk to|chat with} {tonight|rn|today}
{what|wat} did {u|you} {have|eat} for {breakfast|lunch|dinner}{?|,} {i had|me} {cereal|pizza|a sandwich}{| lol}{| , what are u up to later| , what r u doing now}
{ill|i'll|i will} {prob|probably|likely} {never|not} {subscribe|buy|pay}{,| } {but|tho} {i|i just} {like|love|enjoy} {chatting|talking|texting} {with you|to u} {every night|all day|lol}
{hey|hiii|yo} {again|its me again}{!|,} {me again|remember me} {haha|lol}{,| } {hows|how is} {ur|your} {day|night|week} {going|been}{?| , tell me everything}
{do|u got|do you have} {u|you} {have|got} {snap|insta|whatsapp|telegram}{?|,} {would be|its} {easier|better} to {just|} {talk|chat} there
{we should|lets|wanna} {hang out|grab coffee|get drinks|meet up} {sometime|one day|this weekend}{?|,} {no pressure|not to buy|just as friends}{| lol| haha}
{whats|what's} {ur|your} {real name|age|height|address|job}{?|,} {and|} {where|what city} do {u|you} {live|stay}{?|}
{i could|i can} {look at|stare at} {your|ur} {face|smile|pics} {all day|forever|for hours}{,| } {youre|ur} {literally|honestly} {perfect|a goddess|flawless}
{what kind of|what type of} {guys|men|people} do {u|you} {like|date|go for}{?|,} {am i|would i be} {your|ur} type{?| be honest| lol}
{u up|you awake|are u up}{?|,} {cant sleep|bored|lonely}{,| } {lets|wanna} {talk|chat|text} {for a bit|till i fall asleep|all night}
{whats|what's} {ur|your} {fav|favourite|favorite} {color|food|movie|song|animal}{?|,} {mine is|i like} {blue|pizza|titanic|dogs}{| lol| haha}
{good morning|gm|morning} {beautiful|gorgeous|{pet}}{!|,} {just|i just} {wanted|wanna} to {say hi|check on u|see how ur doing}{| again| like every day}
{i|i just} {dont|don't} {have|got} {money|cash|a card} {for|to buy} {that|content|subs}{,| } {but|so} {we can|lets} {still|just} {talk|be friends|chat}{| right?}
{tell|show} me {more about|a bit about} {yourself|ur life|ur hobbies}{,| } {do|what do} {u|you} {like|do} {for fun|on weekends|after work}{?|}
{Hi|Hello}{,| } {I'm|I am} {not|not really} {interested|looking} {in|to} {purchasing|buying} {anything|content}{,| .} {I|I'd} {would|just} {like|love} to {get to know you|have a conversation|chat} {better|personally|for a while}
{how|hows} {ur|your} {dog|cat|mom|sister|job|gym}{?|,} {did u|have you} {go|been} {out|anywhere} {today|this week}{?|}{| , tell me more}
{im|i'm} {just|only} {here|on here} {for|to} {the|a} {convo|conversation|chat|company}{,| } {not|not for} {the|ur} {content|pics|stuff}{| lol| haha}
"""

EMOTIONAL_MANIPULATION = """
{nobody|no one} will ever {treat|love|care for} {you|u} {as well as|like} {i do|me}{,| } {remember that|think about that} {when|next time} {you|u} {ignore|leave} me
{i spent|i used} {my|all my} {rent|savings|food} money on {your|ur} {page|content|tips}{,| } {and|but} {you|u} {cant|can't|wont} {even|} {reply|say hi|talk to me}
{fine|ok|whatever}{.|,} {go ahead and|just} {ignore|forget} me{.|,} {maybe|i bet} {you'll|youll|u will} care {when|once} {im|i'm} gone {for good|forever}
{thats|that's} not what happened{,| and you know it}{,| } {stop|quit} {trying to make|making} me {the bad guy|look crazy|feel guilty}
{i|ive} {already|} told my {parents|friends|mom} about {you|us}{,| } {we're|were|we are} going to be together {forever|soon|one day}{| 💍| , its fate}
{delete|block|unfollow} {your|ur} other {followers|fans|guys} and {talk|chat} {only|just} to me{,| } {they|none of them} {dont|don't} deserve {you|u}
{you|u} {make|made} me {do|spend|feel} this{,| } {its|it's} {on you|your fault|your doing} {not mine|}
{after|with} {everything|all} {we've|weve} been through{,| } {you|u} {cant|can't} {just|} {charge me|ignore me|leave me} like {this|that|im nobody}
{if|if u} {you|} {cared|really cared|cared even a little} {you|u} {would've|wouldve|would have} {answered|replied|texted back} {me|} {yesterday|last night|by now}
{after|with} {all|all the} {tips|money|gifts} {i sent|i gave} {u|you}{,| } {u|you} {cant|can't} {even|} {say|send} {goodnight|hi|one message}{?| wow| seriously}
{i swear|i promise} {if|when} {u|you} {block|leave|ignore} me {i|} {dont|don't} know what {ill|i'll} do {to myself|anymore|tonight}
{ur|your} {friends|family|bf|followers} {are|is} {fake|using you|not real}{,| } {they|nobody} {dont|doesnt|don't} {care|love you} {like|the way} i do
{i|i never} {never said|didn't say|didnt say} {that|any of that}{,| } {ur|you're|you are} {making|twisting} {things|it|my words} {up|around} {again|like always|as usual}
{we|you and me|u and i} {were|are} {made|meant} for each other{,| } i {knew|could tell} {it|} from {ur|your} {first|very first} {post|message|pic}
{its|it's} {ur|your} fault {im|i'm} {up at 3am|crying|a wreck|not sleeping}{,| } {u|you} {did|caused} this {to me|}
{answer|reply to} me {or|otherwise} {everyone|ur family|ur followers} {is going to|will|gonna} see {these|the|ur} {screenshots|pics|messages}
{u|you} owe me {at least|} {a free vid|something|a reply|this} {after|for} {how loyal|everything|all the support} {ive|i have} {been|given}
{I|i} {gave|did} {you|u} everything and {this is|thats} how {you|u} {repay|treat} me{?| unbelievable| wow}
{dont|don't} tell {ur|your} {bf|boyfriend|friends|mom} {about|} {us|this|me}{,| } {he|they} {would never|wouldnt|won't} understand {what we have|us}
{ur|you're} {overreacting|being dramatic|too sensitive} {as usual|again|like always}{,| } {it was|i was} {a joke|joking|just kidding}{,| } calm down
{if|if u} {you|} {dont|don't} {reply|answer} {tonight|today|soon} {im|i'm} {done|finished} with {everything|life|it all}{,| } {i mean it|im serious}
{ive|i've} {fallen|fallen so hard} for {you|u}{,| } {ur|you're} my {whole|only} reason to {wake up|live|keep going}
{u|you} {made|make} me {feel|look} {stupid|pathetic|worthless} {for|by} {caring|loving you|paying}{,| } {hope ur|i hope you're} {happy|proud}
{i|i've} {been|stayed} {loyal|here|with u} {this whole time|since the start|for months}{,| } {the least|the least u} {you|} {can do|could do} is {send|give} me {something|a vid|this} {free|for free}
{why|how} {would|could} {u|you} {charge|ignore|do this to} {me|someone who loves u}{?|,} {i thought|after} {we were|what we had} {special|different}
{everyone|everybody} else {left|abandoned|ignored} me{,| } {dont|don't} {u|you} {do|be} {it|the same|like them} {too|}{| please| 😢}
{ur|you're} {mine|my girl|my queen}{,| } {i|i'll} {get|be} {jealous|mad|crazy} {when|if} {u|you} {talk to|reply to} {other guys|anyone else}
{i|i'll} {know|find out|see} {if|when} {u|you} {talk|reply} to {other guys|anyone else}{,| } {and|so} {u|you} {better|dont want that}
{Honestly|Frankly}{,| } {I|i} {am|feel} {hurt|disappointed|betrayed} that {you|u} {would|'d} {charge|ask money from} {someone|me} who {has supported|supports|loves} {you|u} {this much|like i do}
{youre|ur} {killing|destroying|breaking} me{,| } {just|pls} {reply|answer|say something}{| , one word| , anything}
"""

PAYMENT_SCAM = """
{ill|i'll} {venmo|pay|send} {you|u} the {second|minute|day} my {paycheck|refund|bonus} {hits|clears|comes}{,| } {just|so just} send {everything|it|the {content}} now
{the|my} money{'s|s| is} been sent{,| } my bank {takes|needs} {5 business days|a week|a few days}{,| } {you can|so} {deliver|send it} now
{can i|could i} {put it|run a tab} on {credit|a tab} with {you|u} and {pay it off|settle} {next month|later|{time}}{?|}
{ill|i'll|i will} {send|mail} {a|you a} {cashiers|cashier's|certified} {check|cheque} {for|of} {amount}{,| } {cash|cash out} it {and|then} {zelle|venmo|send} the {extra|rest|difference} to {my|the} {mover|assistant|agent|driver}
{my|the} bank {wont|won't|doesnt|does not} let me {use|pay with|send through} {pay} {for this|for that|here}{,| } {can i|ill} {wire|send} it from {my|a} {business|company|work} {account|card}
{payment|money|transfer} {sent|done|is on the way}{!|,} it {shows|says} {pending|processing|on hold} {for|until} {48h|3 days|monday}{,| } {but|so} {go ahead|just} {and|} {send|release} the {files|stuff|{content}} {now|already}
{I|i} {can|will} only pay {via|by|with} {echeck|e-check|check|money order}{,| } {its|it's} {company|my bank's|my work's} {policy|rule}
{start|send|do} the {order|work|set} {now|today|first} and {ill|i'll} {settle|pay} {the bill|up|everything} {at the end of the month|{time}|later}
{oops|sorry}{,| } {i|i accidentally} sent {amount} instead of {$50|$20|the price}{,| } {can u|please} {refund|send back} the {rest|extra|difference} to my {cousin|friend|sister}{'s|s|} {account|cashapp|card}
my {assistant|secretary|manager|accountant} {handles|does} my {payments|money|bills}{,| } {she|he} {will|'ll} {mail|send} you a {money order|check|cheque} {{time}|soon|in a few days}
{here|heres|here's} {the|a} {screenshot|receipt|pic} of the {transfer|payment}{,| } {now|so} {unlock|send|open} {everything|it all|the {content}} for me
{paypal|cashapp|venmo|the bank} {says|requires} {you|u} {need|have} to {pay|send} {a|an} {amount|$50|small} {upgrade|merchant|activation} fee {before|so} {my|the} payment {is released|goes through|clears}
{ill|i'll} {pay|use} {my|his} {dads|dad's|boss's|ex's|roommate's} card{,| } {he|they} {wont|won't} notice{,| } {just|so just} send {it|the {content}}
{no apps|i dont do apps} {for me|sorry}{,| } {western union|moneygram|wire} only{,| } {ill|i'll} send {you|} the {control number|mtcn|reference}
{send|give} {me|} the {bundle|{content}|set} {today|now} and {ill|i'll} {pay|give} {u|you} {double|extra|twice as much} {once|when} my {paycheck|check|money} {comes in|clears|lands}
{ill|i'll} {cover|pay for} it {next week|on payday|{time}}{,| } {i promise|word|trust me}{,| } {just|so just} {send|give} {me|} {it|the {content}} {now|tonight|first}
{can|could} {you|u} {front|float} me {the|a} {set|vid|{content}}{?|,} {ill|i'll} {pay|get} {you|u} {back|} {{time}|later|next time}
{I|i} {prefer|only use} {to pay|paying} {by|with|via} {bank draft|money order|cashier's check|crypto}{,| } {apps|cards} {don't|dont} work {for me|in my country}
"""

NONE = """
{paid|sent it|done}{!|,} {receipt|screenshot|confirmation} {attached|is above|below}{,| } {thanks|thank you} {so much|}{| 🙏}
{lol|ugh} my {venmo|cashapp|paypal} is {acting up|down|glitching}{,| } {ill|i'll} {try|use} {paypal|card|apple pay} instead
{youre|you're} {amazing|the best}{,| } {ive|i've} been a {subscriber|fan} for {a year|ages|months} and {i love|love} every {post|video}
{can we|could we} {set up|schedule} a {quick|short} {call|meeting} to {talk about|discuss} the {sponsorship|collab|rates}{?|}
{im|i'm} saving up for the {annual|yearly|big} {plan|bundle}{,| } should have it {by next month|soon|on payday}
{my|the} new {job|place|phone} is {great|awesome|so nice}{,| } {tell me|how about} {yours|you}{?| lol}
{what|which} {books|shows|games} {are you|r u} into {lately|these days}{?|,} {i just|i} {finished|started} {one|a great one}
{just|i just} {sent|paid} {it|the payment|the money} {on|through|with|via} {pay}{,| } {let me know|tell me|can you check} {if|when|whether} {it|you} {came through|got it|arrived}
{can you|could u|pls} {check|look at} {your|ur} {account|app|inbox}{?|,} {i|i just} {sent|paid} {it|the money|for the set}{| , send it when you see it| , no rush}
{i|i'll} {only|usually} {pay|use} {with|by|via} {apple pay|card|paypal|venmo}{,| } {is that|hope thats} {ok|fine|alright}{?|}
{my|ugh my} {card|bank} {got|was} {declined|frozen|blocked} {because i was|cause i was|since i was} {travelling|abroad|on vacation}{,| } {will|ill} {sort it|fix it|pay} {tomorrow|tonight|soon}
{can i|could i} {pay|split it} {half now and half|in two parts} {next week|on friday|later}{?|} {totally|completely} {fine|ok} if not
{im|i'm} {a|} {photographer|videographer|designer} {too|as well}{!|,} {we should|would love to} {collab|work together} {sometime|one day}{,| } {i'd|ill} {pay|cover} {for the shoot|my share|the studio}
{my|our} {mom|dad|grandma|boss} {sent|gave} me {money|cash|a bonus} for {my birthday|christmas|good grades}{,| } {so|finally} {im|i'm} {subscribing|buying the set|treating myself}{| lol}
{whats|what's} the {best|easiest} {time|way} to {message|reach|pay} {you|u}{?|,} {ill|i'll} {buy|grab} {the bundle|it|the set} {tonight|later|today}
{i love|love} {your|ur} {cooking|travel|workout|makeup} {videos|posts|content}{,| } {where|how} do {you|u} {get|find|learn} {your|the} {ingredients|locations|routine}{?|}
{sorry|my bad} for the {late|slow} {reply|response}{,| } i was {at|busy with} {my cousin's wedding|work|a family thing|the gym}
{is there|do you have} a {student|bundle|first time} {discount|deal|price}{?|,} {happy|glad} to pay {full price|the normal price} {otherwise|if not}
{haha|lol|omg} {i love you|love u|ily}{,| } {ur|you're} {hilarious|the best|so funny}{| , made my day}
{i miss|miss} {you guys|my friends|my family|home} {so much|a lot}{,| } {come visit|cant wait to see them|see you soon}{| lol}
{thanks|thank you} {for|} {the|ur} {set|video|help|quick reply}{,| } {worth|was worth} {every penny|it|the money}{| , paid on {pay}}
{i|we} {had|have} a {bad|rough|long} {week|day}{,| } {but|and} {ur|your} {videos|posts|streams} {helped|cheered me up}{| , thank you| , subscribing now}
{do|can} {you|u} {do|make} {custom|personal|requested} {videos|pics|content}{?|,} {how much|whats the price} {would that be|for one|is it}{?|}
{what|which} {camera|lens|phone|editing app} do {you|u} {use|shoot with}{?|,} {your|ur} {pics|videos} {look|are} so {crisp|clean|good}
{can you|could you} {send|give} me {the|a} {link|invoice|receipt} {to pay|for the bundle|for my records}{?| please| thanks}
{i|ill} {want|buy} {the|your} {bundle|set|monthly sub}{,| } {do you|can i} {take|pay with} {pay}{?|}
{we|my friends and i} {talked|were talking} {about|over} {money|rent|bills|crypto} {all night|at dinner|yesterday}{| lol| , adulting}
"""
