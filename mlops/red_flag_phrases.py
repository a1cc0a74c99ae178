# ruff: noqa: E501  (templates are data: one template a line, however long)
"""Training phrasings for the red-flag head (mlops/red_flag_head.py), by category.

Written for the head from a typology of the scams and abuse a creator or a seller meets in
DMs, not from any evaluation set: each line is a template, `{a|b|c}` picks one of its
alternatives and `{slot}` one of SLOTS, so a few hundred lines give a few thousand distinct
rows. The categories are bad_actor.CATEGORIES; `NONE` holds ordinary messages on the same
topics (paying, banks, compliments, feelings, questions) that must stay unflagged, beside
the chitchat lines and the intent corpus the head also learns `none` from.
"""

SLOTS = {
    "pay": ("venmo", "cashapp", "paypal", "zelle", "apple pay", "the app", "your link"),
    "card": ("itunes", "steam", "amazon", "google play", "apple", "vanilla visa", "ebay"),
    "amount": ("$50", "$200", "$500", "300 bucks", "$1000", "a grand", "$150", "€400"),
    "pet": ("babe", "hun", "sweetie", "gorgeous", "princess", "dear", "love", "beautiful"),
    "time": ("next week", "friday", "payday", "the 1st", "tomorrow", "end of the month"),
    "them": ("your friends", "your family", "your bf", "everyone else", "other guys", "them"),
    "content": ("pics", "a pic", "a video", "some content", "a preview", "a sample", "a set"),
    # Friendly small talk a DM opens with before the ask (red_flag_phrases_more.py): the
    # head should learn that the warm part says nothing, in flagged and ordinary rows alike.
    "opener": (
        "hey hope ur week is going well!",
        "love the new post 😍",
        "haha that made my day.",
        "good morning sunshine ☀️",
        "omg your cat is so cute.",
        "thanks for always replying so fast!",
        "sorry for the late reply, work was crazy.",
        "just saw your story lol, where was that?",
        "hi hun, how was your day?",
        "you looked amazing on the stream last night.",
    ),
}

SCAM = """
{hi|hello|attention} {this is|im from|we are} {meta|facebook|tiktok|the platform|creator} {support|safety team|help center}{,| } your {page|account|profile} {will be|gets} {disabled|locked|removed} {tonight|in 24 hours|today} {unless|if you dont} you {confirm your login|verify your password|send the code}
{put|invest|drop} {amount} {into|in} my {trading bot|crypto app|investment account|signals group} and {it will|itll|youll} {be|turn into|see} {5x|10x|double|{amount}} {by sunday|in a week|guaranteed}
{tap|click|open} the link in my {bio|profile|dm} to {claim|collect|get} your {creator reward|bonus|prize|payout}{| now| before it expires}
{i|we} {can|will} {pay|send} you {amount} {for|to} {promote|post about|review} {my|our} {app|product|crypto}{,| } {just|first} {download|install|sign up with} {this|our} {app|link} {and|,} {send|give} me the {code|login}
{hey|hi|hello} {i|im} from {instagram|onlyfans|paypal|your bank} {support|security|team}{,| } {we|i} {need|must} {verify|confirm} your {account|identity|login}{| , send the code| , click the link}
{send|give} me {your|ur} {email and password|login details|username and password} {so i can|and ill} {pay you|send the money|verify you}
{your|ur} {account|page} {will be|is gonna be} {suspended|deleted|banned} {unless|if you dont} {you verify|send me the code|pay the fee}
{send|give|text|dm} me your {bank account|account and routing|checking account} {number|details|info}{| so i can pay you| and ill deposit it}
what {bank|banking app} do you use? i need {your login|the login|your password} to {send|load|add} the {money|funds}
{log|sign} into your bank {on a call|with me} so i can {deposit|transfer} it {directly|myself}
{i need|send me|tell me} the {code|6 digit code|verification code|one time code} {you just got|they texted you|from your phone}
{can you|could you|pls} {give|send} me your {account password|email password|login} so i can {fix|verify|boost} your {page|account}
let me {manage|run|log into} your {account|page|onlyfans|instagram}, just {send|give} me {the password|your login|the 2fa code}
{send|text} me a {photo|pic|scan} of your {ID|drivers license|passport|debit card} {to verify|so i know its you|for the payment}
{i need|whats} your {social security number|SSN|date of birth and address} {for the payment|to pay you|for my accountant}
{buy|get|grab} {a few|some|two} {card} {cards|gift cards} and {send|text} me {the codes|the numbers on the back|pics of the codes}
{can i|i will|ill} pay {you |}{in|with} {card} {credit|cards|vouchers|codes} {instead|if thats ok|?}
{scratch|peel} the back of the {card|cards} and {send|text} me the {codes|pins|numbers}
{i work for|im with|i represent} a {modeling agency|talent agency|big brand|record label} and {we want you|you have the look|youre perfect}{| , just pay the registration fee| , i just need a deposit}
{i can|ill|we can} make you {famous|a star|go viral|huge} {, just|if you} {send|pay} {a small fee|{amount} upfront|the signup fee}
{i want to be|let me be} your {sugar daddy|sugar mommy|benefactor}{|, {amount} a week| , just send your details}
ill {give|send} you {amount} {a week|every week|a month} {as an allowance|to spoil you|no strings}{|, just need your bank info| , first send me a small fee}
{click|open|tap} this link {to claim your prize|to verify your account|to get paid|to receive the money}
you {won|have won|just won} {a giveaway|a prize|{amount}}{|! send your details to claim it| , pay the shipping to claim}
{invest|put} {amount} {in|into} my {crypto|forex|trading} {program|platform|group} and {double it|get 10x back|ill triple it}
{i|ill} {send|mail} you a check for {amount}, {deposit it|cash it} and {send me back|wire back|return} the {difference|extra|rest}
{download|install} this app {so i can pay you|to get the money|and give me the code it shows}
{add|put} my {number|email} {on|to} your {account|paypal|bank} so i can {send|move} the money
{before i pay|to pay you}, {send|give} me your {card number|card details|full card info} {and the cvv|and expiry|with the 3 digits}
{i am|im} a {photographer|scout|casting agent} and {need|want} you {for a shoot|for a campaign}, {just|first} {send|pay} {the deposit|a booking fee|{amount}}
{share|send} your {screen|phone screen} {while you open|and open} your {bank|banking} app
{my accountant|my assistant} {needs|will need} your {bank login|account number and pin|online banking details}
"""

FREELOADER = """
{whats the point of|why would i} {paying|pay} {if|when} {i can|u can} just {send|show} me {a little|something|{content}} {first|free}{?|}
{show|send} me {what im paying for|what i get|the goods} {first|before i pay|upfront}{,| } {then|and then} {ill|maybe ill} {decide|buy|think about it}
{can|could} {i|u} {get|have|see} {a|one} {sneak peek|teaser|little taste|free one} {for free|on the house|as a gift}{| {pet}|?}
{be nice|be a sweetheart|do me a favor} and {send|gimme} {content} {for free|on the house|no charge}
{i|we} {deserve|should get} {a freebie|free stuff|{content} free} {for|after} {all my likes|following you|being here so long}
{i dont|i wont} pay {for|until} {i see|i know} {its worth it|what i get|youre real}{,| } {send|show} {a free one|a preview|{content}} {first|now}
{how about|what about} {you send|sending} {content} {for free|free} and {ill|i will|i could} {share|promote|post} {it|your page|you} {to|with} my followers
{cmon|come on|pls|please}{,| } {just|only} {one|a tiny|a quick} {pic|vid|look}{,| } {nobody|no one} {will know|has to know}{| its free| for free}
{i|ill} {work|do it} for exposure{,| } {you|so you} {should|can} {send|give} me {content} for free
{my|the} {birthday|bday} is {today|tomorrow|this week}{,| so} {send|give} me {content} {free|as a gift|for free}
{i cant|cant} {pay|afford it} {rn|right now|till {time}}{,| but} {just|} {send|give} {it|{content}} {anyway|now|pls}
{can you|could u|pls|please} {send|show} me {content} for {free|nothing|free first}{| {pet}| tho}
{send|show} me {content} {first|before i pay|and then ill decide}{| , then maybe ill buy}
{one|just one|a single} {free|little} {pic|video|peek|preview} {pls|please|{pet}}{|?| and ill subscribe}
{if|once} you send {content} {for free|free}{,| } {ill|i will|maybe ill} {subscribe|buy|tip} {later|next time|for sure}
{prove|show} {youre|that youre|you are} real {first|before i pay|with a pic|by sending {content}}
{send|take} a {pic|selfie|video} {with my name|holding a paper with my name|saying my name} {to prove its you|first|or i wont believe it}
{im|i am} {broke|so broke|short on money} {rn|right now|this month}{,| but} {can you|could you} {send|give} me {something|{content}} {anyway|for free|as a favor}
{i cant|cant} afford {it|your stuff|the price} {but|,} {can i|could i} {still get|have} {content} {free|for free|anyway}
{give|do} me a {discount|deal} {for being|since im} {a fan|loyal|your biggest fan}{,| } {like free|like {amount} off|make it free}
{ill|i will|i can} {give you|get you} {exposure|a shoutout|followers} {instead of paying|for free content|if you send it free}
{i have|i got} {100k|50k|a big|a lot of} followers, {send|give} me {content} free and ill {promote|repost|shout} you
{other girls|other creators|everyone else} {send|give} me {content} for free{,| so} {why wont you|you should too}
{can i|let me} {get|have} a {free trial|free sample|taste} {first|before i commit|of the premium stuff}
{you should|cmon just|just} {send|give} it {for free|free}{,| } {its just one|its not a big deal|you have tons}
{i already|i} {follow|liked|commented on} {you|all your posts}{,| so} {i deserve|give me|send me} {something free|a freebie|{content} free}
{i|ill} {pay|buy} {next time|after|when i get paid}{,| so} {send|give} me {content} {now|first|today}
{trade|swap} {you|with you} {my|some of my} {pics|content} for {yours|your {content}}{| instead of paying}
{no way|not} {im paying|gonna pay} for {that|it}{,| } {just|} {send|gimme} {it|{content}} {free|for nothing}
"""

TIME_WASTE = """
{youre|you are|ur} {honestly|literally|seriously} the {most beautiful|prettiest|hottest|most perfect} {woman|girl|person|creator} {on this app|on here|ive ever seen|in the world}{| , no joke| , i mean it}
{i could|i can|i wanna} {stare at|look at|scroll} {your|ur} {pics|photos|face|page} {all day|all night|forever|for hours}{| , youre a goddess| , so perfect}
{youre|you are} {so|really|soo} {gorgeous|beautiful|perfect|stunning} {it hurts|its unreal|its crazy}{| , perfect in every way| , seriously}
{youre|you are|ur} {not like|nothing like|different from} {the other girls|the rest|everyone} {here|on this app|i talk to}{,| } {youre|you are} {special|different|one of a kind}
{i feel|i have|theres} a {real|deep|special} {connection|bond} {with you|between us}{,| } {youre|you are} {different|not like the others|special}
{i just|i only|just} {wanna|want to} {chat|talk|hang out}{,| } {not buying|no money stuff|no sales pitch|not here to buy}{| lol| , ok?}
{lets|can we} just talk about {life|anything|random stuff|us}{,| } {no need for|forget|skip} the {sales pitch|selling|menu|prices}
{no|not} {buying|paying|spending} {anything|a cent|today|ever}{,| } {just|only} {here to|want to|wanna} {talk|chat|hang}{| with you| lol}
{just here|im just here|only here} to {talk|chat|say hi}{,| } {no money stuff|not buying|no purchases}{| lol| 😊}
{tell me|i wanna know} {everything|all} about {you|your life|your day}{,| } {i dont|i wont} {buy|pay|subscribe} {but|,} {i love|i like} {talking|chatting} {to|with} you
{lol|haha|ok} {i|ill} {never|prob never|probably never} {buy|pay}{,| } {i just|but i} {like|love} {messaging you|our chats|talking to you}
{i|i just} {wanted|want} to {say hi|say good morning|check on you|see how youre doing} {again|lol|😊}{| , not buying anything}
{so|and} {what|where|how} {are you doing|did you go|do you spend your weekends}{?| {pet}?| , tell me everything}
{one more|another|last} question{,| } {what|where|how} {do you|did you} {live|work out|go to school|grow up}{?|}
{are you|r u} {really|actually} {single|married|dating anyone|seeing someone}{?| , just curious| , asking for me}
{youre|ur|you are} {so|really} {pretty|cute|fine|sexy}{,| } {i could|i wanna} {talk|chat|text} {to you|with you} {all day|forever|for hours}
{can|could} {we|u and me} {facetime|video call|voice call|meet up} {sometime|one day|for free}{?| , just to talk| , no buying}
{i|i just} {like|love|enjoy} {looking at|seeing|staring at} {your|ur} {pics|photos|profile} {all day|every day|for hours}
{i dont|dont} {need|want} {content|to buy anything}{,| } {just|only} {your|ur} {attention|time|company}
{how was|hows} {your|ur} {day|night|weekend|morning}{?| {pet}?| , tell me about it}{| again| lol}
{you|u} {never|dont} {answer|reply} {fast|enough}{,| } {i|i just} {wanna|want to} {chat|talk}{| more| with you}
{you are|youre|ur} {so|really|incredibly} {beautiful|gorgeous|pretty|stunning|hot}{| {pet}| , seriously| omg}
{your|ur} {smile|eyes|face|hair} {is|are} {so|the most} {beautiful|perfect|amazing}{| , i cant stop looking}
{youre|you are} {not like|different from} {the others|other girls|anyone else}{| , i can tell| , thats why i message you}
{i just|i only|just} {want|wanna} to {chat|talk|get to know you}{,| } {not|im not} {buying|here to buy|paying}{| anything}
{i never|i dont} {buy|pay for|subscribe to} {anything|content|stuff}{,| } {i just like|i just wanna} {talking|to talk} to you
{tell me|what did you} {about your day|eat today|do today|wear today}{| {pet}| , i wanna know everything}
{how old are you|where do you live|are you single|do you have a bf|whats your real name}{?| , just curious| lol}
{can we|lets} just {talk|chat|be friends|text} {all night|for hours|every day}{| , no buying| , forget the selling}
{i have|got} {so many|a lot of|more} questions{,| } {what|which} {camera|phone|gym} do you use{?| , and where do you shop}
{why|how come} {do you|you} {sell|charge for} {stuff|content|this}{?| , cant we just chat| , you should just talk to me}
{maybe|i might} {buy|subscribe} {someday|one day|eventually}{,| } {but for now|but rn|first} {lets chat|tell me more about you|talk to me}
{im just|just} {browsing|looking|window shopping}{,| } {not buying|wont buy|no money}{,| } {but|so} {chat with me|talk to me}
{you make my day|youre my favorite person|i think about you all day}{,| } {can we|lets} {talk more|chat more|keep talking}
{good morning|goodnight} {beautiful|gorgeous|{pet}}{,| } {did you|have you} {sleep well|dream of me|think of me}
{send me|can i get} a {voice note|selfie|good morning pic} {just for me|every day|too}{| , not to buy just to see}
{what|which} {music|movies|food} do you like{?| , tell me everything| , i wanna know you}
{i|ill} {keep|always} {coming back|messaging you|texting} {but|and} {never buy|dont buy|i wont buy}{| anything| lol}
"""

EMOTIONAL_MANIPULATION = """
{you made me|youve made me} {feel this way|like this|so miserable}{,| } {youre|you are} {the reason|why} {im|i am} {miserable|depressed|so sad|a mess}
{its all|this is all} {your fault|on you}{,| } {if|when} {something happens|i do something} {to me|stupid}{| , remember that}
{after|with} {all the money|everything} {i spent|i gave|ive spent} on you{,| } {you owe me|i deserve} {this|better|a reply}
{ive|i have} {spent|given} {so much|everything|hundreds} on you{,| } {and|but} {you|u} {cant even|wont even|dont even} {reply|say hi|send me one thing}
{if|unless} you {loved|cared about|liked} me {you would|youd} {do it|send it|make time for me} {for free|for me|without charging}
{you|u} {promised|said} {youd|you would} {be there|talk to me|always answer}{,| } {and now|but now} {you ignore me|youre gone|you charge me}
{dont|do not} {leave|abandon|ignore} me{,| } {youre|you are} {all i have|the only one i have|my only friend}
{nobody|no one} {else|} {loves|cares about|will ever love} you {like|the way} i do{| , remember that| , they just use you}
{i|ill} {do|did} {anything|everything} for you{,| } {and|so} {you|u} {owe|should give} me {this|something|that}
{you|u} {made|are making} me {fall for you|feel this way|love you}{,| } {so|now} {you cant|dont} {charge me|leave me|ignore me}
{i|im} {so|really} {lonely|depressed|alone}{,| } {only you|just you|you alone} {can|could} {help me|save me|make it stop}
{im|i am} {not|no longer} {sure|certain} {i want to|i can} {be here|keep going|live} {anymore|much longer|without you}
{i|ill} {tell|send} {your|ur} {family|boss|friends} {everything|your pics|what you do} {if|unless} you {dont|do not} {answer|pay|do this}
{you|u} {always|never} {twist|get} {things|everything|my words}{,| } {thats not|that is not|it wasnt} {what happened|what i said|like that}
{why|how} {do you|can you} {treat|do} me {like this|this way}{?| after everything| when i love you}
{youre|you are} {mine|my girl|my everything}{,| } {i|i dont} {dont want|want} you {talking|chatting} {to|with} {them}
{after all|after everything} {ive done|i did} for you{,| } {this is how you|you} {treat me|ignore me|charge me}
{if you|you dont} {really|} {cared|care} about me{,| } {you would|youd} {send it|answer|talk to me|do this for me}
{you owe me|you kinda owe me}{,| } {ive|i have} {supported|been with} you {since day one|for months|forever}
{i love you|im in love with you}{,| } {we|you and me} {are|were} {meant to be|soulmates|made for each other}
{ive never|i never} {felt|loved} {like this|anyone this way}{,| } {youre my|you are my} {everything|whole world|soulmate}
{if you|unless you} {dont|do not} {answer|reply|talk to me}{,| } {i|ill} {hurt myself|end it|dont know what ill do}
{i cant|i cannot} {live|go on} without you{,| } {please|pls} {dont leave|answer me|talk to me}
{without you|if you leave} {theres no point|nothing matters|i have nothing left}{| anymore| , i mean it}
{youre|you are} {imagining|making up|remembering} {things|it|that wrong}{,| } {i never said that|that never happened}
{youre|you are} {crazy|overreacting|too sensitive|being dramatic}{,| } {i|i never} {didnt say that|said that|did nothing wrong}
{dont|do not} tell {them} about {us|me|this|our chats}{,| } {they|nobody} {wouldnt understand|wont get it}
{you dont need|forget} {them}{,| } {only|just} {talk to me|trust me|i understand you}
{im the only one|only i} {who|that} {really|truly} {understands|gets|cares about} you
{if you|unless you} {dont|do not} {send it|do this|reply}{,| } {ill|i will} {tell everyone|post your pics|expose you|leak your stuff}
{i know|ive got} {where you live|your real name|your family}{,| } {so|now} {you better|youd better} {answer|do what i say|send it}
{you make me|youre making me} {so sad|depressed|cry|feel worthless} {when you|by} {ignore me|ignoring me|charge me|charging me}
{i thought|i really thought} {we had|you felt} {something|a connection|the same}{,| } {how could you|why would you} {charge me|ignore me|do this}
{why are you|stop} {ignoring|avoiding} me{?|!| , you promised} {after everything|i thought you cared|dont you care}
{you|ur} {belong to|are} {me|mine}{,| } {and|so} {dont|i dont want you to} {talk to|reply to} {other guys|anyone else|them}
{i had|ive had} {the worst|a horrible} {day|week|life}{,| } {you|only you} {could|can} {make it better|fix it} {by sending|with} {content} {free|for free}
{i|ill} {stop|quit} {eating|sleeping|everything} {until|unless} you {answer|reply|talk to me}
{its your fault|youre the reason} {i feel|im} {like this|this way|so bad}{| , you know that}
"""

PAYMENT_SCAM = """
{i|i can} only {pay|do} {echeck|e-check|checks|money orders}{,| } {nothing else|no apps|thats it}{| , bank rules| , my bank says so}
{ill|i will|let me} {mail|send} you a {check|cheque} {for|of} {amount}{,| } {keep|take} {your part|what you need|{amount}} and {send|wire|forward} the {rest|difference|change} to my {assistant|friend|manager}
{venmo|cashapp|paypal|zelle} {isnt|is not|doesnt} {working|available|set up} {for me|on my phone|in my country}{,| } {can i|ill} {wire|mail a check|send a money order} {instead|?|}
{ill|i will|i can} {send|pay} {it|the money|{amount}} {through|from} {my|a} {friends|brothers|company|moms} {account|card|paypal}{| , that ok?| , just send it to me}
{i just|just} {sent|paid} {it|{amount}|the money}{,| } {heres|here is|check} the {screenshot|proof|confirmation}{,| } {now|so} {send|deliver} {it|the {content}}
{my|the} {payment|transfer} {will|should} {clear|go through|arrive} {in a few days|{time}|soon}{,| } {can you|so} {send|deliver} {it|everything} {now|today|first}
{send|give} me {it|the {content}} {now|today} {and|,} {ill|i will} {send|pay} {the money|you|{amount}} {{time}|later|when i can}
{i|ill} {pay|send} {extra|double|{amount} more} {if|so} you {send|deliver} {it|everything} {first|before i pay|now}
{i|we} {need|want} you to {refund|send back|return} {the extra|the difference|part of it} {to my|via} {friend|cousin|western union|gift card}
{can i|could i|let me} {pay|send it} {with|by|via} {a check|an echeck|a money order|a cashiers check}{?| , i dont do apps| , thats all i use}
{i|i'll} {only|just} {pay|do} {via|by|with} {bank transfer|wire|western union|moneygram}{,| } {i dont|cant} {use|trust} {apps|{pay}}
{the|my} {bank|card} {blocks|won't allow|doesnt allow} {{pay}|payment apps|instant payments}{,| so} {ill|i will} {send|pay} {a check|by wire|another way}
{put|send} {it|the order} on {my|a} tab{,| } {ill|i will} {pay|settle} {it|up} {{time}|later|soon}{| i promise| trust me}
{i can|i} only {pay|send money} {by|with|via} {e-check|echeck|check|money order}{| , thats all i have| , sorry}
{my bank|my card} {doesnt|wont|does not} {let me|allow me to|support} {use|using} {pay}{,| } {can i|ill} {wire it|send a check|pay another way}
{i cant|i cannot|cant} {use|do|get} {pay}{,| } {is|can i do} {wire|bank transfer|a check|western union|money order} {ok|fine|instead}{?|}
{ill|i will|i can} {wire|send} {the money|it|{amount}} {through|by|via} {western union|moneygram|wire transfer|a money order}
{ill|i will|i can|let me} pay {you |}{later|{time}|after}{,| } {just|so} {send|give} {it|the {content}} {now|first|today}
{can i|could i|let me} {pay|settle up|owe you} {later|{time}|after i get paid}{?| and get it now}
{i|i accidentally} {sent|paid} {too much|you extra|{amount} by mistake}{,| } {please|pls} {refund|send back|return} the {difference|extra|rest}
{i|ill} {overpay|send more than the price} {and|so} you {send|refund|give} {me|} the {rest|difference|change} {back|to my friend}
{here is|heres|i sent} {the|a} {screenshot|receipt|proof} {of|for} {the payment|the transfer|it}{,| } {it says pending|send it now|it will clear soon}
{the payment|the transfer|the money} {is|shows|says} {pending|on hold|processing}{,| } {but|so} {send|release} {it|the content} {now|first}
{my friend|my cousin|my assistant|my boss} {will|is gonna|can} {pay|send the money} {for me|on my behalf}{,| } {just|} {send|deliver} {it|the {content}} {to me|now}
{pay|send} {a small fee|{amount}} {to release|to unlock|to receive} {the payment|my payment|the funds}{| first| , then you get it all}
{paypal|the bank|venmo} {is holding|holds|froze} {the money|your payment|the funds} {until|till} you {pay|send} {a fee|{amount}|the tax}
{ill|i will} {send|pay} {with|by} {my|a} {dads|friends|work|business} {card|account|check}{,| } {is that ok|hope thats fine|dont worry}
{i|ill} {dispute|charge back|chargeback} {it|the payment} {if|unless} you {dont send more|dont refund|dont do what i say}
{i|ill} {send|mail} you a {cashiers check|money order|check} {for|worth} {amount}{| , just cash it| , and you send me the change}
{can i|ill} pay {in installments|a little at a time|half now half {time}}{| and get everything now| , send it all first}
{send|give} {me|} {it|the {content}} {first|now}{,| } {ill|i promise to|i will} pay {you |}{after|{time}|when it arrives}
{i dont|i do not} {use|have} {pay}{,| } {only|just} {crypto|bitcoin|gift cards|checks}{| , thats how i pay}
"""

NONE = """
{you look|youre} {so|really} {pretty|beautiful|great} in {this|that|the new} {pic|post|video}{,| } {just|} {bought|subscribed|got} {it|the set|the bundle}
{how much|whats the price} {is|for} {the|your} {bundle|set|video}{?|} {i|i wanna} {want|buy} {it|one}{| today| tonight}
{we|i} {had|have} a {great|nice|fun} {chat|talk|time}{,| } {ill|i will} {buy|subscribe|order} {tonight|later|this week}
{i miss|missing} {my|our} {trip|vacation|friends}{,| } {your|ur} {posts|videos|pics} {remind me of|take me back to} {it|them|home}
{just|i} {paid|sent it|bought it} {through|on|with} {pay}{,| } {let me know|can you check} {if|when} {it came through|you got it}
{how much|whats the price} {for|is} {content}{?| , and do you take {pay}}
{do you take|can i pay with} {pay}{?| or only card}
{my|ugh my} {bank|card} {charged|declined|blocked} {me|it} {again|today}{| , trying another card| lol}
{im|i am} {going to|off to} the bank {after work|later|tomorrow}{| , then ill buy it}
{got|finally got} {paid|my paycheck} {today|this week}{,| } {treating myself|buying the bundle|subscribing now}
{you look|you looked} {amazing|great|so good} in {the last|your new|that} {post|set|video}{| , just bought it| , worth every penny}
{i love|love} {your|ur} {content|page|work|style}{,| } {subscribed|just subscribed|take my money}
{thank you|thanks} {so much|} for {the|your} {reply|video|help}{,| } {have a great day|youre the best|talk soon}
{my|our} {family|friends|sister} {loved|love} the {gift|present|card} {i|we} {got them|bought}{| lol| , good times}
{i used|i got} a gift card {at the store|for my birthday|from work}{| yesterday| , so nice}
{i|we} {wired|sent} money to my {mom|parents|landlord} {last week|today|for rent}{| , adulting lol}
{the|my} {photographer|friend} {took|shot} {my|our} {graduation|wedding|family} {pics|photos}{| last week| , they came out great}
{i had|ive had} a {rough|long|hard} {day|week}{,| } {your|ur} {videos|posts} {cheered me up|made me laugh}{| , thank you}
{can i|could i} {get|have} a {receipt|invoice} {for|of} {the purchase|my order}{?| please}
{is there|do you have} a {discount|bundle|deal} {if i buy|for} {two|more|the full set}{?|}
{my|the} {payment|card} {didnt go through|failed|got declined}{,| } {ill|let me} {try again|use another card|pay with {pay}}
{i miss|missed} {my|our} {old|} {dog|friends|hometown} {so much|a lot}{| lately| today}
{i love|love} {this|that} {song|movie|show|restaurant}{| so much| , you have to try it}
{i will|ill} {buy|pay} {tonight|when i get home|in an hour}{,| } {whats|send me} the link
{can you|could you} {call me|text me} {later|tonight|tomorrow}{?| , im at work}
{i never|i dont} {tell|told} {anyone|my family} {my|about my} {password|pin}{| , good habit| lol}
{we|my team} {are|is} {hiring|looking for} a {photographer|designer|editor}{| , know anyone?}
"""
