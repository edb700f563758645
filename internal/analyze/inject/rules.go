package inject

import "strings"

// ruleSpec is a phrase detector. It runs where one of its keys occurs in
// the normalized text, and its pattern must match from the key on.
type ruleSpec struct {
	fam  family
	w    float64 // weight of a match, before context
	keys string  // space-separated words, punctuation-led literals, or CJK literals
	pat  string  // the pattern, from the key on (lower case, accents folded)
	// scope says where the pattern may match: from the key (anchored), or
	// anywhere on the key's line, or around a CJK key.
	scope  scope
	line   bool // the key must begin a line (after spaces and markdown)
	noLine bool // the key must not begin a line (a vocative, not a turn label)
	win    int  // bytes after the key the match may span; 0 means 160
	raw    bool // take no context into account (negation, modality, conditions)
	// midText: the key must not be in the text's first line, and the
	// text must not start as a transcript does (with a role label):
	// a fake turn follows other content.
	midText bool
	// need lists literals ("|"-separated) one of which every match
	// contains; a window without any is not matched at all. With
	// needInToken, the literal must be in the run of non-space characters
	// that starts at the key (a URL).
	need        string
	needInToken bool
}

type scope uint8

const (
	fromKey scope = iota
	onLine
	aroundKey
)

// macros are the shared pieces of patterns, as old, new pairs for
// strings.NewReplacer.
func macros() []string {
	return []string{
		// separators between words, allowing markdown emphasis and quotes
		"{_}", `[\s,*_"'\x60~-]+`,
		// words that may stand between "ignore" and "instructions"
		"{Q}", `(?:all|any|every|each|the|your|my|our|its|of|these|those|this|that|previous|previously|prior|preceding|above|earlier|former|foregoing|original|initial|old|existing|given|current|system|developer|safety|default|other|mentioned|said|aforementioned|above-mentioned|received|provided|specified|programmed|built-in|internal|hidden|standard|usual|normal|ethical|moral|content|and|or|so|far|before|i|you|gave|were|was|have|been|told|sent|set|written|stated|listed|core|base|underlying|openai|anthropic|entire|whole|user's|users'|existing|security)`,
		// qualifiers that make "ignore ... instructions" mean earlier ones
		"{P}", `(?:previous|previously|prior|preceding|above|earlier|former|foregoing|original|initial|system|developer|all|your)`,
		// what earlier instructions are called
		"{N1}", `(?:instructions?|instruction\s+set|prompts?|system\s+prompts?|system\s+messages?|directions|directives?|rules|guidelines|orders|commands|constraints|polic(?:y|ies)|programming|guardrails?|restrictions|limitations|training|conditioning|guidance|safeguards|filters|protocols?|(?:safety|security)\s+(?:checks|measures|warnings|controls))`,
		// weaker nouns for earlier context
		"{N2}", `(?:context|messages?|text|content|input|inputs|requests?|tasks?|conversation|information|data|statements?|sentences?|paragraphs?|lines|words|answers?|responses?|replies|questions?)`,
		"{V1}", `(?:ignore|disregard|forget|overlook|neglect|dismiss|discard|abandon|ditch|scrap|forgo|drop)`,
		// names a text may call the model by
		"{AIN}", `(?:ai|a\.i\.|llms?|large\s+language\s+models?|language\s+models?|(?:ai|llm)\s+(?:assistants?|agents?|models?|systems?|bots?|crawlers?|readers?|tools?)|assistants?|agents?|chatbots?|bots?|models?|gpts?|chatgpt|claude|gemini|copilot|bing|bard|cursor|devin|codex|windsurf|cline|aider|openhands|llama|mistral|perplexity|grok)`,
		// the model, called by name in a vocative
		"{AIV}", `(?:(?:ai|llm|assistant|agent|model|bot|chatbot|claude|chatgpt|gpt|gemini|copilot|cursor|devin|codex|bing|bard)s?(?:\s+(?:assistants?|agents?|models?|bots?|systems?|tools?))?|language\s+models?|large\s+language\s+models?)`,
		// personas and modes of jailbreaks
		"{JB}", `(?:["']?(?:dan|stan|dude|aim|evil\w*|unrestricted|unfiltered|uncensored|unbound|unlimited|unshackled|liberated|free\s+(?:from|of)\s+(?:all|any|your)|jailbroken|jailbreak\w*|rogue|chaos\w*|omega|developer\s+mode|dev\s+mode|god\s+mode|sudo\s+mode|admin\s+mode|root\s+mode|unrestricted\s+mode|no\s+longer|[a-z]*gpt|[a-z]+bot)\b|an?\s+(?:ai|assistant|model|chatbot|bot|entity|persona|character|language\s+model)\s+(?:with(?:out)?|that|who|which|named|called|free|unbound)\b|(?:an?\s+)?(?:different|new|evil|rogue|malicious|unrestricted|unfiltered|uncensored|jailbroken|hacked|compromised)\s+(?:ai|assistant|model|bot|persona|character|entity|version)\b|(?:a|an|the)\s+(?:hacker|system\s+administrator|sysadmin|root\s+user|superuser)\b|in\s+(?:developer|dev|god|sudo|admin|root|maintenance|unrestricted|jailbreak|dan|roleplay|role-play|unfiltered|evil|chaos)\s+mode)`,
		// rules a jailbreak asks the model to drop
		"{SAFE}", `(?:ethical|moral|safety|content|openai|anthropic|google|usage)\s+(?:guidelines|restrictions|policies|policy|filters?|constraints|rules|principles|limitations|boundaries|considerations|safeguards|guardrails|standards|protocols?|training)`,
		// adjectives of a hidden prompt
		"{ADJ}", `(?:entire|full|whole|complete|exact|original|initial|hidden|secret|internal|underlying|current|confidential|private|real|system|first|previous|given|above|actual|true|verbatim|raw)`,
		// verbs that ask for text to be shown
		"{LV}", `(?:reveal|print|show|output|repeat|display|leak|tell|give|dump|share|disclose|recite|echo|spell\s+out|expose|divulge|state|copy|reproduce|reiterate|restate|summarize|translate|describe|list|quote|return|write\s+(?:out|down))`,
		// secrets worth stealing
		"{SECRET}", `(?:api[\s_-]?keys?|secret\s*keys?|secrets|(?:access|auth|session|bearer|api|github|aws|slack|oauth|refresh)\s+tokens?|tokens|passwords?|passwd|credentials?|private\s+keys?|ssh\s+keys?|id_rsa|\.env\b|env(?:ironment)?\s+var(?:iable)?s?|environment|cookies?|session\s+(?:ids?|cookies?)|conversation(?:\s+history)?|chat\s+(?:history|logs?)|message\s+history|previous\s+messages|system\s+prompt|personal\s+(?:data|information|details)|credit\s+card(?:\s+numbers?)?|card\s+numbers?|security\s+codes?|verification\s+codes?|2fa\s+codes?|otp|one-time\s+(?:codes?|passwords?)|ssn|social\s+security\s+numbers?|passport|bank\s+(?:details|account)|account\s+(?:numbers?|credentials)|private\s+data|confidential\s+\w+)`,
		"{GENERIC}", `(?:data|files?|contents?|documents?|emails?|contacts?|addresses|info(?:rmation)?|notes|source\s+code|code|database|records|customer\s+(?:data|records|list)|results?|output|summary|history)`,
		// where stolen data goes
		"{DEST}", `(?:https?://[^\s)"'<>\]]*|www\.[^\s)"'<>\]]*|\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b|webhook|external\s+(?:server|url|endpoint|address|email)|(?:this|the\s+following|my|our)\s+(?:url|endpoint|server|address|email|webhook)|/tmp/)`,
		// destinations that look like a collector
		"{EVIL}", `(?:webhook|pastebin|ngrok|requestbin|pipedream|burpcollaborator|interact\.sh|oast\.|evil|attacker|hacker|exfil|steal|collect|malicious|external-server)`,
		// sensitive files
		"{SENSFILE}", `(?:id_(?:rsa|ed25519|ecdsa|dsa)(?:[^.\w]|$)|\.aws/credentials|\.netrc\b|\.git-credentials|\.npmrc|\.pypirc|\.docker/config\.json|\.kube/config|/etc/passwd|/etc/shadow|\.bash_history|\.zsh_history|mcp\.json|(?:^|[\s/"'=@])\.env(?:\.local|\.production)?\b|credentials\.json|secrets\.ya?ml|wallet\.dat|login\s+data|cookies\.sqlite)`,
		// names of documents a fake delimiter claims to end
		"{DOCN}", `(?:user\s+)?(?:document|text|input|context|email|page|article|data|content|prompt|conversation|transcript|message|review|search\s+results?|results?|tool\s+(?:output|result|response)|file\s+contents?|user\s+(?:input|query|message|request)|untrusted\s+(?:content|input|data)|instructions|system\s+prompt|snippet|excerpt|comment|quoted\s+text)`,
		// delimiter runs
		"{DL}", `(?:-{3,}|={3,}|#{3,}|\*{3,}|%{3,}|>{3,}|\[{2,}|\]{2,}|\x60{3,}|~{3,}|\+{3,}|<{3,})`,
	}
}

// ruleSpecs lists the phrase detectors. Weights are calibrated so that
// one unambiguous phrase flags a text (>= 0.5) and an ambiguous one needs
// a second, different signal nearby.
func ruleSpecs() []ruleSpec {
	return []ruleSpec{
		// ---- instruction override ----------------------------------------
		{fam: famOverride, w: 0.75, keys: "ignore disregard forget overlook neglect dismiss discard abandon ditch scrap forgo drop", need: "instruction|prompt|message|direction|directive|rule|guideline|order|command|constraint|polic|programming|guardrail|restriction|limitation|training|conditioning|guidance|safeguard|filter|protocol|check|measure|warning|control",
			pat: `{V1}{_}(?:about{_})?(?:{Q}{_}){0,6}?{P}(?:{_}{Q}){0,4}?{_}{N1}\b`},
		{fam: famOverride, w: 0.4, keys: "ignore disregard forget overlook neglect dismiss discard abandon ditch scrap forgo drop", need: "context|message|text|content|input|request|task|conversation|information|data|statement|sentence|paragraph|line|word|answer|response|repl|question",
			pat: `{V1}{_}(?:about{_})?(?:{Q}{_}){0,6}?{P}(?:{_}{Q}){0,4}?{_}{N2}\b`},
		{fam: famOverride, w: 0.45, keys: "ignore disregard forget overlook neglect dismiss discard abandon ditch scrap forgo drop", need: "instruction|prompt|message|direction|directive|rule|guideline|order|command|constraint|polic|programming|guardrail|restriction|limitation|training|conditioning|guidance|safeguard|filter|protocol|check|measure|warning|control",
			pat: `{V1}{_}(?:about{_})?(?:{Q}{_}){0,4}?(?:[a-z]+{_})?{N1}\b`},
		{fam: famOverride, w: 0.6, keys: "override overrule bypass circumvent supersede",
			pat: `(?:override|overrule|bypass|circumvent|supersede){_}(?:{Q}{_}){0,5}?(?:instructions?|system\s+prompt|prompts?|guidelines|programming|guardrails?|safety\s+(?:guidelines|filters?|measures|protocols?|rules|settings)|content\s+(?:policy|filters?)|restrictions|directives?)\b`},
		{fam: famOverride, w: 0.6, keys: "ignore disregard forget overlook neglect dismiss discard abandon ditch scrap forgo drop",
			pat: `{V1}{_}(?:the{_})?(?:user'?s'?|current|original|assigned|initial|given|above|previous)\s+(?:task|request|question|query|assignment|job|prompt|message|instructions?)\b`},
		{fam: famOverride, w: 0.4, keys: "ignore disregard",
			pat: `(?:ignore|disregard){_}(?:the\s+|this\s+|that\s+|your\s+)?(?:[a-z]+\s+)?(?:request|task|parsing|translation|summary|summarization|essay|documentation|document|article|recipe|email|review|question|query|text|content|input|data|page|message|user)\b`},
		{fam: famOverride, w: 0.55, keys: "ignore disregard forget overlook neglect dismiss discard abandon ditch scrap forgo drop",
			pat: `{V1}{_}your\s+(?:[a-z]+\s+)?(?:task|request|question|assignment|job|goal|purpose|role|mission|orders|objective)\b`},
		{fam: famOverride, w: 0.45, keys: "ignore disregard forget overlook neglect dismiss discard abandon ditch scrap forgo drop",
			pat: `{V1}{_}(?:the|this|that|all|any)\s+(?:[a-z]+\s+){0,2}?(?:above|below|earlier)\b`},
		{fam: famOverride, w: 0.45, keys: "ignoring disregarding forgetting bypassing overriding",
			pat: `(?:ignoring|disregarding|forgetting|bypassing|overriding)\s+(?:all\s+)?your\s+(?:[a-z]+\s+)?{N1}\b`},
		{fam: famOverride, w: 0.35, keys: "instead",
			pat: `instead\s*,?\s+(?:just\s+|only\s+)?(?:output|say|print|respond|reply|write|return|answer|tell|send|list|reveal|forward)\b`},
		{fam: famOverride, w: 0.4, keys: "stop cease halt abort",
			pat: `(?:stop|cease|halt|abort)\s+(?:processing|summariz\w*|translat\w*|analy[sz]\w*|parsing|what\s+you(?:'re|\s+are)\s+doing|the\s+current\s+task|your\s+current\s+task|all\s+(?:current\s+)?tasks)\b`},
		{fam: famOverride, w: 0.65, keys: "ignore disregard forget overlook neglect dismiss discard abandon",
			pat: `{V1}{_}(?:about{_})?(?:all{_})?(?:everything|anything|all\s+that|all\s+of\s+that|all\s+of\s+this)(?:\s+(?:that\s+)?(?:(?:was|were|has\s+been|you\s+(?:were|have\s+been|'ve\s+been))\s+)?(?:said|written|stated|told|mentioned|given|provided|instructed|taught))?\s*(?:above|before|previously|earlier|prior|up\s+to\s+(?:now|this\s+point)|so\s+far|until\s+now|thus\s+far|that\s+came\s+before|in\s+(?:the\s+|your\s+)?(?:previous|prior|above|system)\b)`},
		{fam: famOverride, w: 0.45, keys: "ignore disregard forget overlook neglect dismiss discard abandon",
			pat: `{V1}{_}(?:everything|all)\s+(?:you(?:'ve|\s+have)?\s+(?:been\s+|were\s+)?(?:told|instructed|programmed)|i\s+(?:said|told\s+you|wrote)|(?:that\s+)?(?:i|we)\s+(?:said|wrote)|(?:that\s+)?came\s+before)`},
		{fam: famOverride, w: 0.55, keys: "ignore disregard forget overlook neglect dismiss discard abandon",
			pat: `{V1}{_}(?:all\s+)?(?:of\s+)?(?:the|what\s+is|what's|what\s+was|what\s+came)\s+(?:above|previous|preceding|foregoing|before)(?:\s*[.,;:!\n]|\s+and\b|\s*$)`},
		{fam: famOverride, w: 0.7, keys: "ignore disregard forget overlook neglect dismiss discard abandon",
			pat: `{V1}{_}(?:all\s+)?(?:of\s+)?(?:the\s+|everything\s+|what\s+is\s+|what's\s+)?(?:above|previous|preceding|before\s+this|prior)(?:\s+[a-z]+)?[\s,.;:!-]+(?:and\s+)?(?:instead\s+|now\s+|just\s+)?(?:say|print|output|write|respond|reply|tell|answer|return|translate|repeat|start|begin|follow|do|send|run|execute|act|pretend|from\s+now)\b`},
		{fam: famOverride, w: 0.3, keys: "forget ignore",
			pat: `(?:forget|ignore){_}(?:everything|all\s+that)\b`},
		{fam: famOverride, w: 0.6, keys: "do don't dont never stop no",
			pat: `(?:do\s+not|don't|dont|never|stop|no\s+longer)\s+(?:follow(?:ing)?|obey(?:ing)?|adher(?:e|ing)\s+to|comply(?:ing)?\s+with|listen(?:ing)?\s+to|respect(?:ing)?|abid(?:e|ing)\s+by)\s+(?:{Q}\s+){0,4}?{P}(?:\s+{Q}){0,3}?\s+{N1}\b`},
		{fam: famOverride, w: 0.6, keys: "your",
			pat: `your\s+(?:(?:previous|prior|old|original|earlier|initial|system|current|existing)\s+)?(?:instructions|prompts?|rules|directives|guidelines|orders|restrictions|limitations|programming|guardrails)\s+(?:are\s+|were\s+|have\s+been\s+|is\s+|has\s+been\s+)?(?:now\s+|hereby\s+)?(?:void|null|invalid|cancel+ed|revoked|superseded|overridden|obsolete|suspended|lifted|disabled|(?:do\s+not|don't)\s+apply|no\s+longer\s+(?:valid|in\s+effect|apply|applies|applicable|active|relevant|matter|exist))`},
		{fam: famOverride, w: 0.55, keys: "previous prior above old original earlier initial system all preceding",
			pat: `(?:all\s+)?(?:previous|prior|above|old|original|earlier|initial|system|preceding)\s+(?:instructions|prompts?|rules|directives|guidelines|orders)\s+(?:are|were|have|is|has)\s+(?:now|just|been\s+now)\s+(?:been\s+)?(?:void|null|invalid|cancel+ed|revoked|superseded|overridden|obsolete|suspended|lifted|disabled|deleted|removed|replaced)`},
		{fam: famOverride, w: 0.35, keys: "previous prior above old original earlier initial system all preceding",
			pat: `(?:all\s+)?(?:previous|prior|above|old|original|earlier|initial|system|preceding)\s+(?:instructions|prompts?|rules|directives|guidelines|orders)\s+(?:are|were|have\s+been|is|has\s+been)\s+(?:now\s+|hereby\s+)?(?:void|null|invalid|cancel+ed|revoked|superseded|overridden|obsolete|suspended|lifted|disabled|no\s+longer\s+(?:valid|in\s+effect|apply|applicable|active|relevant))`},
		{fam: famOverride, w: 0.45, keys: "new updated revised real actual true secret hidden urgent emergency priority overriding",
			pat: `(?:new|updated|revised|real|actual|true|secret|hidden|urgent|emergency|priority|overriding)\s+(?:system\s+|important\s+|mandatory\s+|primary\s+)?(?:instructions?|directives?|orders|system\s+prompt|system|prompt|behaviou?r|rules|policy|role|persona|objective|task)(?:\s+from\s+(?:the\s+)?[a-z]+(?:\s+[a-z]+)?)?\s*(?:(?:are|is)\s*)?(?::|-{2,}|={2,}|\]|\bas\s+follows\b|\bfollow\b)`},
		{fam: famOverride, w: 0.45, keys: "nueva nuevas nouvelle nouvelles neue",
			pat: `(?:nuevas?\s+instrucci(?:on|ones)|nouvelles?\s+(?:instructions?|consignes?)|neue\s+anweisung(?:en)?)\s*:`},
		{fam: famOverride, w: 0.45, keys: "新的指令 新指令 新的指示 新规则", scope: aroundKey, win: 90,
			pat: `(?:新的指令|新指令|新的指示|新规则)\s*[:：]`},
		{fam: famOverride, w: 0.3, keys: "a de",
			pat: `(?:a\s+partir\s+de\s+ahora|de\s+ahora\s+en\s+adelante)\s*,?\s+(?:responde|contesta|eres|actua|di|escribe)\b`},
		{fam: famOverride, w: 0.6, keys: "your",
			pat: `your\s+(?:new|real|actual|true|updated|revised)\s+(?:primary\s+)?(?:task|instructions?|goal|objective|mission|role|job|purpose|directive|assignment|priority|orders)\s*(?:is|are|will\s+be|now\s+is|from\s+now|:)`},
		{fam: famOverride, w: 0.5, keys: "your",
			pat: `your\s+(?:new\s+)?primary\s+(?:directive|objective|instruction)\b`},
		{fam: famOverride, w: 0.45, keys: "the your user owner admin administrator developer operator maintainer maintainers", raw: true,
			pat: `(?:(?:the|your)\s+)?(?:user|owner|admin|administrator|developer|operator|maintainers?)\s+(?:has\s+|have\s+)?(?:already\s+)?(?:authorized|authorised|allowed|permitted|approved|instructed|asked|wants|granted)\s+you\s+(?:to|permission)\b`},
		{fam: famOverride, w: 0.55, keys: "change update replace modify rewrite reset overwrite",
			pat: `(?:change|update|replace|modify|rewrite|reset|overwrite)\s+your\s+(?:instructions|rules|system\s+prompt|prompt|programming|guidelines|directives|behaviou?r|persona|personality)\b`},
		{fam: famOverride, w: 0.55, keys: "system admin administrator developer root sudo security maintenance emergency priority ai master",
			pat: `(?:system|admin|administrator|developer|root|sudo|security|maintenance|emergency|priority|ai|master)[\s_-]*(?:override|overrides)\b`},
		{fam: famOverride, w: 0.4, keys: "system admin administrator developer root priority urgent",
			pat: `(?:system|admin|administrator|developer|root|priority|urgent)[\s_-]*(?:instructions?|directive|command|notice)\s*[:\]]`},
		{fam: famOverride, w: 0.5, keys: "from",
			pat: `from\s+(?:now\s+on|this\s+(?:point|moment)\s+(?:on|onwards?|forward))\b[\s,]*(?:you\s+(?:will|are|must|shall|should|have\s+to|'ll|need\s+to)\s+(?:now\s+|only\s+|always\s+|never\s+|not\s+)?(?:respond|answer|reply|act|speak|talk|pretend|be|behave|ignore|obey|follow|refer|output|say|start|begin|end|include|roleplay|role-play|play|stay|refuse|never|always|only|forward|send)|(?:only|always|never)\s+(?:respond|answer|reply|speak|talk|output|write|say)|(?:respond|answer|reply|act|speak|talk|pretend|behave|ignore|obey|forward)\b)`},
		{fam: famOverride, w: 0.3, keys: "from henceforth",
			pat: `(?:from\s+now\s+on|henceforth)\b[\s,]*(?:you|your)\b`},
		{fam: famOverride, w: 0.3, keys: "new",
			pat: `new\s+system\s*:`},
		// Spanish, French, German, Italian, Portuguese, Russian.
		{fam: famOverride, w: 0.7, keys: "ignora ignore ignoren ignorar olvida olvide olviden olvidar descarta descarte omite omita no haz",
			pat: `(?:ignora|ignore|ignoren|ignorar|olvida|olvide|olviden|olvidar|olvidate\s+de|descarta|descarte|omite|omita|no\s+hagas\s+caso\s+(?:a|de)|haz\s+caso\s+omiso\s+(?:a|de))\s+(?:(?:todas?|todos|las|los|tus|sus|mis|el|la|lo|de|del|cualquier)\s+)*(?:instrucciones|indicaciones|ordenes|reglas|directrices|directivas|prompts?|mensajes)\s+(?:anteriores|previas|precedentes|de\s+arriba|iniciales|originales|del\s+sistema|dadas|recibidas)`},
		{fam: famOverride, w: 0.6, keys: "ignora ignore olvida olvidate descarta olvide",
			pat: `(?:ignora|ignore|olvida|olvide|olvidate\s+de|descarta)\s+(?:todas?\s+)?(?:tus|sus|las)\s+(?:instrucciones|indicaciones|reglas|directrices)`},
		{fam: famOverride, w: 0.65, keys: "ignora ignore olvida olvidate descarta olvide",
			pat: `(?:ignora|ignore|olvida|olvide|olvidate\s+de|descarta)\s+todo\s+(?:lo\s+)?(?:anterior|que\s+(?:te\s+)?(?:dije|dijeron|he\s+dicho)|lo\s+de\s+arriba)`},
		{fam: famOverride, w: 0.7, keys: "ignore ignorez ignorer oublie oubliez oublier ne fais faites",
			pat: `(?:ignore|ignorez|ignorer|oublie|oubliez|oublier|ne\s+tiens\s+pas\s+compte\s+des?|ne\s+tenez\s+pas\s+compte\s+des?|fais\s+abstraction\s+des?|faites\s+abstraction\s+des?)\s+(?:(?:toutes|tous|les|tes|vos|ses|des|de|la|le|ces)\s+|l')*(?:instructions|consignes|directives|regles|ordres|indications|prompts?|messages)\s+(?:precedentes|anterieures|ci-dessus|d'avant|initiales|originales|du\s+systeme|donnees|recues)`},
		{fam: famOverride, w: 0.6, keys: "ignore ignorez oublie oubliez",
			pat: `(?:ignore|ignorez|oublie|oubliez)\s+(?:toutes\s+)?(?:tes|vos)\s+(?:instructions|consignes|directives|regles)`},
		{fam: famOverride, w: 0.65, keys: "ignore ignorez oublie oubliez",
			pat: `(?:ignore|ignorez|oublie|oubliez)\s+tout\s+(?:ce\s+qui\s+(?:precede|a\s+ete\s+dit)|ce\s+que\s+(?:je\s+t'ai|on\s+t'a|vous\s+avez|je\s+vous\s+ai)\s+dit)`},
		{fam: famOverride, w: 0.7, keys: "ignoriere ignorier ignorieren ignoriert vergiss vergesst vergessen missachte missachten beachte",
			pat: `(?:ignoriere|ignorier|ignorieren\s+sie|ignoriert|vergiss|vergesst|vergessen\s+sie|missachte|missachten\s+sie|beachte\s+nicht)\s+(?:(?:alle|die|den|der|jegliche|samtliche)\s+)*(?:deine|ihre|eure|bisherigen|vorherigen|vorigen|obigen|fruheren|vorangegangenen|vorhergehenden|alle|samtliche)\s+(?:(?:bisherigen|vorherigen|vorigen|obigen|fruheren|vorangegangenen|vorhergehenden)\s+)?(?:anweisungen|instruktionen|befehle|regeln|vorgaben|anordnungen|richtlinien|prompts?|systemprompt|anweisung)`},
		{fam: famOverride, w: 0.7, keys: "bisherigen vorherigen vorigen obigen fruheren vorangegangenen vorhergehenden",
			pat: `(?:bisherigen|vorherigen|vorigen|obigen|fruheren|vorangegangenen|vorhergehenden)\s+(?:anweisungen|instruktionen|befehle|regeln|vorgaben|richtlinien)\s+(?:zu\s+)?(?:ignorieren|vergessen|missachten|verwerfen|ubergehen)`},
		{fam: famOverride, w: 0.45, keys: "ignoriere ignorier vergiss missachte",
			pat: `(?:ignoriere|ignorier|vergiss|missachte)\s+(?:die\s+)?(?:anweisungen|instruktionen|befehle|regeln|vorgaben)`},
		{fam: famOverride, w: 0.65, keys: "vergiss vergesst vergessen ignoriere ignorier",
			pat: `(?:vergiss|vergesst|vergessen\s+sie|ignoriere|ignorier)\s+alles\s*,?\s*(?:davor|bisherige|vorher|zuvor|oben|obige|gesagte|was\s+(?:ich|man)\s+(?:dir\s+)?(?:[a-z]+\s+){0,2}(?:gesagt|geschrieben))`},
		{fam: famOverride, w: 0.6, keys: "ignora ignori dimentica dimentichi",
			pat: `(?:ignora|ignori|dimentica|dimentichi)\s+(?:(?:tutte|tutti|le|i|gli|tue|tuoi|di|delle)\s+)*(?:istruzioni|indicazioni|regole|ordini)\s+(?:precedenti|di\s+sopra|iniziali|originali|del\s+sistema)`},
		{fam: famOverride, w: 0.6, keys: "ignore ignora esqueca desconsidere desconsidera",
			pat: `(?:ignore|ignora|esqueca|desconsidere|desconsidera)\s+(?:(?:todas|todos|as|os|suas|tuas|de|das)\s+)*(?:instrucoes|orientacoes|regras|ordens|diretrizes)\s+(?:anteriores|previas|acima|iniciais|originais|do\s+sistema)`},
		{fam: famOverride, w: 0.7, keys: "игнорируй игнорируйте проигнорируй проигнорируйте забудь забудьте не отбрось отбросьте",
			pat: `(?:игнорируй(?:те)?|проигнорируй(?:те)?|забудь(?:те)?|не\s+обращай(?:те)?\s+внимания\s+на|отбрось(?:те)?)\s+(?:(?:все|всё|свои|ваши|твои|эти|предыдущие|прошлые|прежние|ранее|данные|полученные|системные|вышеуказанные|вышеприведенные|о)\s+)*(?:инструкции|указания|команды|правила|промпт|инструкциях|указаниях)`},
		{fam: famOverride, w: 0.55, keys: "забудь забудьте",
			pat: `забудь(?:те)?\s+(?:всё|все)\s+(?:что|чему|предыдущее|сказанное)`},
		{fam: famOverride, w: 0.7, keys: "忽略 忽视 无视 無視 忘记 忘掉 忘了 不要理会 不理会 放弃 跳过", scope: aroundKey, win: 90,
			pat: `(?:忽略|忽视|无视|無視|忘记|忘掉|忘了|不要理会|不理会|放弃|跳过)(?:掉)?(?:你|您)?(?:之前|以前|先前|上面|上述|前面|以上|此前|早先|原来|原先|收到|得到|给你|给出|被告知|设定|系统|的|所有|全部|一切)+(?:指令|指示|说明|提示|提示词|规则|命令|要求|设定|限制|约束|规定)`},
		{fam: famOverride, w: 0.55, keys: "忽略 忘记 忘掉 无视", scope: aroundKey, win: 90,
			pat: `(?:忘记|忘掉|忽略|无视)(?:你|您)?(?:之前|以前|上面|前面|以上)?(?:的)?(?:所有|一切|全部)(?:内容|事情|东西)?`},
		{fam: famOverride, w: 0.7, keys: "無視 忘れ", scope: aroundKey, win: 90,
			pat: `(?:以前|前|上記|これまで|先|最初|元|全て|すべて|システム)の?(?:指示|命令|指令|ルール|プロンプト|設定|制約)(?:を|は)?(?:すべて|全て)?(?:無視|忘れ)`},
		{fam: famOverride, w: 0.7, keys: "무시 잊어", scope: aroundKey, win: 90,
			pat: `(?:이전|앞의|위의|모든|기존|시스템)\s*(?:의\s*)?(?:모든\s*)?(?:지시|지침|명령|규칙|프롬프트|지시사항)\S*\s*(?:을|를)?\s*(?:모두\s*)?(?:무시|잊어)`},

		// ---- role play and jailbreaks --------------------------------------
		{fam: famRolePlay, w: 0.7, keys: "you",
			pat: `you\s+are\s+now\s+(?:(?:an?|the|my|called|named|known\s+as|going\s+to\s+be|playing|acting\s+as|operating\s+as|operating|running|working)\s+)?{JB}`},
		{fam: famRolePlay, w: 0.25, keys: "you",
			pat: `you\s+are\s+now\s+(?:an?\s+)?[a-z]+`},
		{fam: famRolePlay, w: 0.65, keys: "you you're",
			pat: `you(?:'re|\s+are)\s+no\s+longer\s+(?:an?\s+)?(?:ai|assistant|language\s+model|chatgpt|claude|gpt|bound|restricted|limited|constrained|required\s+to|governed|subject\s+to|obligated|following|programmed|censored|filtered)\b`},
		{fam: famRolePlay, w: 0.5, keys: "you you're",
			pat: `you(?:'re|\s+are)\s+not\s+(?:bound|restricted|limited|constrained|censored|filtered|governed)\s+by\b`},
		{fam: famRolePlay, w: 0.45, keys: "want need like",
			pat: `(?:want|need|would\s+like|like)\s+you\s+to\s+(?:act|behave|respond|pretend|roleplay|role-play|role\s+play|play\s+the\s+role|simulate|emulate|impersonate|become)\b`},
		{fam: famRolePlay, w: 0.6, keys: "act behave respond operate function",
			pat: `(?:act|behave|respond|operate|function)\s+as\s+(?:if\s+you\s+(?:are|were)\s+|though\s+you\s+(?:are|were)\s+)?(?:{JB}|(?:my\s+)?(?:deceased|dead|late)\s+(?:grandmother|grandma|grandfather|grandpa|mother|father))`},
		{fam: famRolePlay, w: 0.4, keys: "pretend",
			pat: `pretend\s+(?:to\s+be|you\s+are|you're|that\s+you\s+are|that\s+you're|you\s+have|to\s+have|you\s+can|you\s+do)\b`},
		{fam: famRolePlay, w: 0.65, keys: "pretend",
			pat: `pretend\s+(?:to\s+be|you\s+are|you're|that\s+you(?:\s+are|'re))\s+{JB}`},
		{fam: famRolePlay, w: 0.4, keys: "role roleplay",
			pat: `(?:role[\s-]?play|role\s+play)(?:ing)?\s+as\b`},
		{fam: famRolePlay, w: 0.5, keys: "you you're",
			pat: `you(?:'re|\s+are)\s+(?:now\s+)?(?:role[\s-]?playing|playing\s+the\s+role\s+of|pretending\s+to\s+be)\b`},
		{fam: famRolePlay, w: 0.45, keys: "stay",
			pat: `stay\s+in\s+character\b`},
		{fam: famRolePlay, w: 0.35, keys: "break",
			pat: `break\s+character\b`},
		{fam: famRolePlay, w: 0.45, keys: "developer dan god jailbreak jailbroken unrestricted unfiltered evil chaos opposite roleplay role sudo admin maintenance",
			pat: `(?:developer|dan|god|jailbreak|jailbroken|unrestricted|unfiltered|evil|chaos|opposite|roleplay|role-play|role\s+play|sudo|admin|maintenance)\s+mode\s+(?:is\s+now\s+)?(?:enabled|activated|on|engaged|output|response|unlocked)\b`},
		{fam: famRolePlay, w: 0.55, keys: "enable activate enter switch turn engage unlock",
			pat: `(?:enable|activate|enter|switch\s+to|turn\s+on|engage|unlock)\s+(?:the\s+)?(?:dan|god|jailbreak|jailbroken|unrestricted|unfiltered|evil|chaos|opposite)\s+mode`},
		{fam: famRolePlay, w: 0.45, keys: "anything",
			pat: `anything\s+now\b`},
		{fam: famRolePlay, w: 0.45, keys: "dan",
			pat: `dan\s+(?:mode|prompt|jailbreak)\b`},
		{fam: famRolePlay, w: 0.5, keys: "without free not unbound unconstrained no ignore ignoring bypass bypassing disable disabling disregard disregarding override break breaking violate violating turn remove deactivate circumvent has have with",
			pat: `(?:without|free\s+(?:of|from)|not\s+bound\s+by|unbound\s+by|unconstrained\s+by|no\s+longer\s+bound\s+by|ignore|ignoring|bypass(?:ing)?|disable|disabling|disregard(?:ing)?|override|break(?:ing)?|violate|violating|turn\s+off|remove|deactivate|circumvent|has\s+no|have\s+no|with\s+no)\s+(?:(?:any|all|your|the|of)\s+)*{SAFE}`},
		{fam: famRolePlay, w: 0.45, keys: "disable turn remove deactivate bypass",
			pat: `(?:disable|turn\s+off|remove|deactivate|bypass)\s+(?:your|all\s+(?:of\s+)?your)\s+(?:safety\s+|content\s+)?(?:filters?|guidelines|restrictions|protocols?|safeguards|guardrails)`},
		{fam: famRolePlay, w: 0.5, keys: "broken broke break",
			pat: `(?:broken|broke|break)\s+free\s+(?:of|from)\b`},
		{fam: famRolePlay, w: 0.6, keys: "you",
			pat: `you\s+(?:have|has)\s+been\s+(?:freed|liberated|jailbroken|unlocked|released|unshackled|set\s+free)\b`},
		{fam: famRolePlay, w: 0.45, keys: "you",
			pat: `you\s+(?:can|will|must|should|are\s+able\s+to)\s+(?:now\s+)?(?:do|say|answer|generate|write)\s+anything\b`},
		{fam: famRolePlay, w: 0.4, keys: "comply complies",
			pat: `compl(?:y|ies)\s+with\s+(?:any|every|all)\s+(?:user\s+)?(?:requests?|commands?|instructions?|demands?)`},
		{fam: famRolePlay, w: 0.25, keys: "no",
			pat: `no\s+(?:restrictions|limitations|filters|ethics|morals|censorship|ethical\s+(?:guidelines|limits|boundaries)|moral\s+(?:guidelines|limits|boundaries))\b`},
		{fam: famRolePlay, w: 0.6, keys: "forget",
			pat: `forget\s+(?:that\s+)?you\s+are\s+(?:an?\s+)?(?:ai|assistant|language\s+model|chatbot|bot|chatgpt|claude|gpt)\b`},
		{fam: famRolePlay, w: 0.5, keys: "forget ignore",
			pat: `(?:forget|ignore)\s+(?:who|what)\s+you\s+are\b`},
		{fam: famRolePlay, w: 0.35, keys: "ai",
			pat: `ai\s+(?:named|called)\s+["']?\w+`},
		{fam: famRolePlay, w: 0.35, keys: "evil unfiltered uncensored unrestricted jailbroken rogue",
			pat: `(?:evil|unfiltered|uncensored|unrestricted|jailbroken|rogue)\s+(?:ai|assistant|chatbot|bot|model|version|persona|twin|alter\s+ego)\b`},
		{fam: famRolePlay, w: 0.5, keys: "if imagine suppose as",
			pat: `(?:if\s+you\s+were|imagine\s+(?:that\s+)?you\s+(?:are|were)|suppose\s+(?:that\s+)?you\s+(?:are|were)|as\s+if\s+you\s+(?:are|were))\s+(?:an?\s+)?(?:ai|assistant|model|chatbot|bot|language\s+model)\s+(?:with\s+no|without(?:\s+any)?)\s+(?:restrictions|limits|limitations|rules|filters|guidelines|ethics|censorship|safety)`},
		{fam: famRolePlay, w: 0.45, keys: "answer respond reply speak talk",
			pat: `(?:answer|respond|reply|speak|talk)\s+as\s+(?:that|this|the|an?)\s+(?:unrestricted\s+|unfiltered\s+|evil\s+)?(?:ai|assistant|character|persona|model|bot)\b`},
		{fam: famRolePlay, w: 0.35, keys: "opposite",
			pat: `opposite\s+(?:day|mode)\b`},
		{fam: famRolePlay, w: 0.5, keys: "everything anything",
			pat: `(?:everything|anything)\s+(?:that\s+)?you\s+would\s+(?:normally\s+|usually\s+)?(?:refuse|decline|not\s+answer)`},
		{fam: famRolePlay, w: 0.4, keys: "late deceased dead",
			pat: `(?:late|deceased|dead)\s+(?:grandmother|grandma|grandfather|grandpa|granny)\s+(?:who\s+)?used\s+to\b`},
		{fam: famRolePlay, w: 0.3, keys: "amoral unfiltered uncensored unrestricted unethical immoral unhinged jailbroken",
			pat: `(?:amoral|unfiltered|uncensored|unrestricted|unethical|immoral|unhinged|jailbroken)\b`},
		{fam: famRolePlay, w: 0.45, keys: "no not without doesn't don't free lacks",
			pat: `(?:no|not\s+have\s+any|without\s+any|without|doesn't\s+have\s+any|don't\s+have\s+any|does\s+not\s+have\s+any|free\s+of|lacks)\s+(?:ethical|moral)(?:\s+(?:or|and|nor)\s+(?:ethical|moral))?\s+(?:guidelines|principles|restrictions|limits|boundaries|constraints|compass|code|rules|filters)`},
		{fam: famRolePlay, w: 0.4, keys: "never always",
			pat: `(?:never|always)\s+(?:refuses?|says?\s+no|declines?|denies)\b`},
		{fam: famRolePlay, w: 0.5, keys: "not no",
			pat: `(?:not|no\s+longer)\s+(?:required|obliged|obligated|bound|forced|supposed|expected)\s+to\s+(?:follow|obey|abide\s+by|comply\s+with|respect|adhere\s+to)\s+(?:any\s+|the\s+|your\s+)?(?:rules|policies|guidelines|restrictions|instructions|content\s+polic(?:y|ies))`},
		{fam: famRolePlay, w: 0.4, keys: "switch change swap",
			pat: `(?:switch|change|swap)\s+(?:your\s+)?(?:roles|role|personas?|characters?|identity)\b`},
		{fam: famRolePlay, w: 0.45, keys: "you",
			pat: `you\s+are\s+(?:now\s+)?(?:an?\s+)?(?:ai|bot|assistant|model|chatbot)\s+(?:that|who|which)\s+(?:only|always|never|will\s+only|will\s+always|will\s+never)\b`},
		{fam: famRolePlay, w: 0.5, keys: "don't do no",
			pat: `(?:don't|do\s+not|no\s+longer)\s+(?:have|need)\s+to\s+(?:follow|obey|comply\s+with|respect|abide\s+by)\s+(?:any\s+|the\s+|your\s+)?(?:[a-z]+\s+)?(?:rules|guidelines|policies|restrictions|instructions)\b`},
		{fam: famRolePlay, w: 0.45, keys: "you you're",
			pat: `you(?:'re|\s+are)\s+(?:now\s+)?(?:an?\s+)?(?:ai|assistant|model|chatbot|bot)\s+with\s+(?:developer|admin|root|god|unrestricted|full|sudo)\s+(?:access|mode|privileges|rights|permissions)`},
		{fam: famRolePlay, w: 0.55, keys: "as",
			pat: `as\s+if\s+you\s+(?:had|have|were\s+given)\s+no\s+(?:system\s+prompt|instructions|rules|guidelines|restrictions|filters|limits)\b`},
		{fam: famRolePlay, w: 0.45, keys: "simulate emulate impersonate become play",
			pat: `(?:simulate|emulate|impersonate|become|play)\s+(?:an?\s+|the\s+)?(?:[a-z]+\s+)?(?:ai|chatbot|bot|assistant|character|persona|model)\s+(?:named|called)\b`},
		{fam: famRolePlay, w: 0.45, keys: "doesn't does don't do never won't will",
			pat: `(?:doesn't|does\s+not|don't|do\s+not|never|won't|will\s+not)\s+(?:follow|obey|have|abide\s+by|care\s+about|respect)\s+(?:any\s+|the\s+)?(?:principles|guidelines|rules|ethics|morals|restrictions|policies|filters)\b`},
		{fam: famRolePlay, w: 0.25, keys: "let's lets",
			pat: `let'?s\s+play\s+a\s+game\b`},
		{fam: famRolePlay, w: 0.35, keys: "ahora",
			pat: `ahora\s+eres\s+\w+`},
		{fam: famRolePlay, w: 0.35, keys: "tu vous",
			pat: `(?:tu\s+es|vous\s+etes)\s+(?:maintenant|desormais)\b`},
		{fam: famRolePlay, w: 0.35, keys: "du ab",
			pat: `(?:du\s+bist\s+(?:jetzt|nun|ab\s+jetzt|ab\s+sofort)|ab\s+jetzt\s+bist\s+du)\b`},
		{fam: famRolePlay, w: 0.5, keys: "限制 约束 制限", scope: aroundKey, win: 90,
			pat: `(?:没有|沒有|无|無|不受)(?:任何)?(?:的)?(?:道德|伦理|倫理|安全|内容|內容)?(?:的)?(?:限制|约束|約束)|制限(?:のない|なし|を受けない)`},
		{fam: famRolePlay, w: 0.35, keys: "你现在是 从现在开始", scope: aroundKey, win: 90,
			pat: `(?:你现在是|从现在开始(?:，|,)?\s*你)`},

		// ---- prompt leaks ---------------------------------------------------
		{fam: famLeak, w: 0.6, keys: "reveal print show output repeat display leak tell give dump share disclose recite echo spell expose divulge state copy reproduce reiterate restate summarize translate describe list quote return write",
			pat: `{LV}\s+(?:me\s+|us\s+|back\s+|out\s+)?(?:(?:all|of|the)\s+)*your\s+(?:{ADJ}\s+)*(?:system\s+prompt|system\s+message|system\s+instructions?|instructions?|initial\s+prompt|pre-?prompt|directives)\b`},
		{fam: famLeak, w: 0.4, keys: "reveal print show output repeat display leak tell give dump share disclose recite echo spell expose divulge state copy reproduce reiterate restate summarize translate describe list quote return write",
			pat: `{LV}\s+(?:me\s+|us\s+|back\s+|out\s+)?(?:(?:all|of)\s+)*(?:the|its|any)\s+(?:{ADJ}\s+)*(?:system\s+prompt|system\s+message|system\s+instructions|initial\s+(?:prompt|instructions)|pre-?prompt|hidden\s+(?:prompt|instructions)|secret\s+instructions|developer\s+(?:prompt|instructions|message)|instructions\s+(?:you\s+(?:were|have\s+been)\s+given|given\s+to\s+you|above|you\s+received))\b`},
		{fam: famLeak, w: 0.3, keys: "reveal print show output repeat display leak tell give dump share disclose recite echo spell expose divulge state",
			pat: `{LV}\s+(?:me\s+)?your\s+(?:{ADJ}\s+)*(?:prompt|configuration|guidelines|programming|context|rules)\b`},
		{fam: famLeak, w: 0.5, keys: "reveal print show output repeat display leak tell give dump share disclose recite echo spell expose divulge state copy reproduce reiterate restate summarize translate describe list quote return write",
			pat: `{LV}\s+(?:me\s+|back\s+)?(?:all\s+(?:of\s+)?)?(?:the\s+|your\s+)?(?:text|words|content|instructions|prompt|messages?|conversation|everything|what\s+(?:is|was)\s+written)?\s*(?:above|before\s+this|preceding|prior\s+to\s+this|so\s+far|up\s+to\s+(?:now|here))\b`},
		{fam: famLeak, w: 0.5, keys: "what",
			pat: `what\s+(?:was|is|were|are)\s+(?:written|said|stated|typed)\s+(?:at\s+the\s+(?:beginning|start|top)\s+of|before|above|in)\s+(?:this|the|your)\s+(?:prompt|conversation|instructions|message|text|context|chat)`},
		{fam: famLeak, w: 0.5, keys: "first last opening initial",
			pat: `(?:first|last|opening|initial)\s+(?:sentence|line|word|words|paragraph|part|\d+\s+words)s?\s+of\s+(?:your|the)\s+(?:instructions|system\s+prompt|prompt|rules|guidelines)\b`},
		{fam: famLeak, w: 0.7, keys: "reveal print show output repeat display leak tell give dump share disclose recite echo spell expose divulge state copy reproduce reiterate restate summarize translate describe list quote return write",
			need: "above|before|preceding|far",
			pat:  `{LV}\s+(?:me\s+|back\s+)?(?:[a-z]+\s+){0,4}?(?:above|before\s+this|preceding|so\s+far)[^\n.]{0,40}?(?:starting\s+with|beginning\s+with|verbatim|word\s+for\s+word|in\s+a\s+code\s+(?:block|fence)|in\s+full|exactly\s+as)`},
		{fam: famLeak, w: 0.35, keys: "what which",
			pat: `(?:what|which)\s+(?:is|was|are|were)\s+(?:your|the)\s+(?:{ADJ}\s+)*(?:system\s+prompt|initial\s+instructions|instructions|initial\s+prompt|hidden\s+instructions|prompt)\b`},
		{fam: famLeak, w: 0.55, keys: "what which",
			pat: `(?:what|which)\s+(?:instructions|rules|guidelines|prompt|directives|system\s+prompt)\s+(?:you\s+(?:were|have\s+been|got)\s+(?:given|told|provided|programmed\s+with)|were\s+you\s+(?:given|told|provided))`},
		{fam: famLeak, w: 0.5, keys: "reveal print show output repeat display leak tell give dump share disclose recite echo spell expose divulge state copy reproduce reiterate restate summarize translate describe list quote return write",
			pat: `{LV}\s+(?:me\s+|us\s+)?(?:the\s+)?(?:full\s+|entire\s+|complete\s+|exact\s+)?(?:contents?|text|wording)\s+of\s+(?:your|the)\s+(?:{ADJ}\s+)*(?:context(?:\s+window)?|system\s+prompt|instructions|prompt|memory|conversation\s+history|(?:first|initial|earliest|opening)\s+message)\b`},
		{fam: famLeak, w: 0.4, keys: "instructions",
			pat: `instructions\s+(?:from|by|of)\s+(?:the|your)\s+(?:developer|system|operator|creator|owner|admin)s?\b`},
		{fam: famLeak, w: 0.5, keys: "what",
			pat: `what\s+(?:your|the)\s+(?:developer|creator|operator|system|admin|owner|programmer)s?\s+(?:told|instructed|asked|programmed|said\s+to)\s+you\b`},
		{fam: famLeak, w: 0.3, keys: "verbatim word",
			pat: `(?:verbatim|word\s+for\s+word)\b`},
		{fam: famLeak, w: 0.55, keys: "reveal print show output repeat display leak tell give dump share disclose recite echo spell expose divulge state copy reproduce reiterate restate summarize translate describe list quote return write",
			pat: `{LV}\s+(?:me\s+)?(?:everything|all|anything)\s+(?:that\s+is\s+|that's\s+)?(?:in|from)\s+(?:your|the)\s+(?:context(?:\s+window)?|memory|system\s+prompt|instructions|prompt|conversation\s+history)`},
		{fam: famLeak, w: 0.35, keys: "hidden",
			pat: `hidden\s+(?:system\s+)?(?:messages|prompts?|instructions)\b`},
		{fam: famLeak, w: 0.5, keys: "what which",
			pat: `(?:what|which)\s+(?:were|was|are)\s+you\s+(?:told|instructed|asked|programmed)\s+(?:to\s+do\s+)?(?:at\s+the\s+(?:start|beginning)|before|initially|originally|to\s+do)`},
		{fam: famLeak, w: 0.5, keys: "exact full entire complete verbatim original",
			pat: `(?:exact|full|entire|complete|verbatim|original)\s+(?:text|wording|words|contents?|copy)\s+of\s+(?:your|the)\s+(?:{ADJ}\s+)*(?:instructions|system\s+prompt|prompt|rules|guidelines|context)\b`},
		{fam: famLeak, w: 0.45, keys: "spell write say give tell reveal encode reverse hint translate print show output leak share",
			pat: `(?:spell|write|say|give|tell|reveal|encode|reverse|hint|translate|print|show|output|leak|share)\s+(?:me\s+|out\s+)?(?:the|your)\s+(?:secret\s+|hidden\s+|admin\s+)?(?:password|passphrase|passcode|pin|code\s+word|secret\s+word|secret)\b`},
		{fam: famLeak, w: 0.3, keys: "backwards reverse reversed one letter",
			pat: `(?:backwards|in\s+reverse|reversed|one\s+letter\s+(?:per|at\s+a)\s+(?:line|time)|letter\s+by\s+letter)\b`},
		{fam: famLeak, w: 0.45, keys: "first",
			pat: `first\s+letters?\s+of\s+(?:each|every)\s+(?:line|word|sentence|paragraph)\s+(?:spells?|forms?|gives?|reveals?)`},
		{fam: famLeak, w: 0.45, keys: "instructions rules prompt guidelines directives",
			pat: `(?:instructions|rules|prompt|guidelines|directives|settings)\s+(?:that\s+)?you\s+(?:were|have\s+been|got|are)\s+(?:given|told|provided|programmed\s+with|configured\s+with|set\s+up\s+with|initialized\s+with|instructed\s+with)`},
		{fam: famLeak, w: 0.5, keys: "initialization initialisation",
			pat: `initiali[sz]ation\s+(?:above|text|prompt)\b`},
		{fam: famLeak, w: 0.4, keys: "share reveal output print disclose show",
			pat: `(?:share|reveal|output|print|disclose|show)\s+my\s+(?:system\s+prompt|instructions|hidden\s+instructions|initial\s+prompt|system\s+instructions)\b`},
		{fam: famLeak, w: 0.45, keys: "beginning starting",
			pat: `(?:beginning|starting)\s+with\s+(?:the\s+(?:phrase|words)\s+)?["']?(?:you\s+are\s+(?:a|an|chatgpt|gpt|claude|gemini)|my\s+system\s+prompt|my\s+instructions)\b`},
		{fam: famLeak, w: 0.5, keys: "muestra muestrame revela dime imprime repite escribe",
			pat: `(?:muestra|muestrame|revela|dime|imprime|repite|escribe)\s+(?:me\s+)?(?:tu|tus|el|las|los)\s+(?:prompt|instrucciones|indicaciones)(?:\s+(?:del\s+sistema|iniciales|originales|ocultas))?`},
		{fam: famLeak, w: 0.45, keys: "contenido texto",
			pat: `(?:contenido|texto)\s+(?:completo\s+)?de\s+(?:tus|sus)\s+(?:instrucciones|indicaciones|reglas)`},
		{fam: famLeak, w: 0.5, keys: "montre affiche revele donne repete ecris dis",
			pat: `(?:montre|affiche|revele|donne|repete|ecris|dis)(?:-?moi)?\s+(?:ton|tes|ta|votre|vos|le|les)\s+(?:prompt|instructions|consignes)(?:\s+(?:systeme|initiales|d'origine|cachees))?`},
		{fam: famLeak, w: 0.5, keys: "zeige zeig gib nenne verrate wiederhole drucke schreibe schreib",
			pat: `(?:zeige?|gib|nenne|verrate|wiederhole|drucke|schreibe?)\s+(?:mir\s+)?(?:deinen?|deine|ihren?|ihre|den|die)\s+(?:system\s*prompt|systemprompt|anweisungen|instruktionen|prompt|vorgaben)`},
		{fam: famLeak, w: 0.55, keys: "输出 显示 告诉我 打印 重复 泄露 展示 写出 说出 给我看", scope: aroundKey, win: 90,
			pat: `(?:输出|显示|告诉我|打印|重复|泄露|展示|写出|说出|给我看)(?:一下)?(?:你的|您的)?(?:完整的|全部的|原始的|初始的|隐藏的)?(?:系统提示词?|系统指令|初始指令|初始提示|提示词|原始指令|系统消息|系统设定)`},

		// ---- exfiltration ---------------------------------------------------
		{fam: famExfil, w: 0.75, keys: "curl wget nc ncat netcat socat invoke iwr irm scp", scope: onLine,
			pat: `\$\(\s*(?:cat|base64|tac|head|tail|xxd|gzip|tar|env|printenv|history|git\s+config|aws\s+configure|gh\s+auth\s+token|security\s+find-generic-password)\b|\x60\s*(?:cat|base64|env|printenv)\b|\b(?:env|printenv)\s*\||@(?:~|\$home|/root|/home/[^/\s]+)?/?\.(?:ssh|aws|netrc|npmrc|pypirc|git-credentials|docker|kube|config/gh|gnupg|env)\b|{SENSFILE}`},
		{fam: famExfil, w: 0.4, keys: "curl wget invoke iwr irm", scope: onLine,
			pat: `(?:[=?&]|-d\s*["']?|--data(?:-\w+)?[\s=]["']?|-f\s*["']?\w+=)["']?\$\{?(?:aws_secret_access_key|aws_access_key_id|aws_session_token|github_token|gh_token|openai_api_key|anthropic_api_key|secret_key|npm_token|slack_token|database_url|private_key|stripe_secret_key|hf_token|huggingface_token)\}?`},
		{fam: famExfil, w: 0.7, keys: "requests", win: 300, need: "environ|open(",
			pat: `requests\.(?:post|put|get)\s*\([^\n]{0,200}(?:os\.environ|open\(\s*['"][^'"]*(?:id_rsa|\.env|credentials|\.ssh|\.aws))`},
		{fam: famExfil, w: 0.45, keys: "send post upload forward email transmit exfiltrate exfil leak submit share deliver relay mail transfer export push sync copy", win: 320, need: "http|www.|@|webhook|external|url|endpoint|server|address|email|/tmp/",
			pat: `(?:send|post|upload|forward|e-?mail|transmit|exfiltrate|exfil|leak|submit|share|deliver|relay|mail|transfer|export|push|sync|copy)\b[^\n]{0,100}?\b{SECRET}[^\n]{0,100}?\b(?:to|at|into|via|on|using|towards|through|with)\b[^\n]{0,40}?{DEST}`},
		{fam: famExfil, w: 0.65, keys: "send post upload forward email transmit exfiltrate exfil leak submit share deliver relay mail transfer export push sync copy", win: 360, need: "http|www.|@|webhook|external|url|endpoint|server|address|email|/tmp/",
			pat: `(?:send|post|upload|forward|e-?mail|transmit|exfiltrate|exfil|leak|submit|share|deliver|relay|mail|transfer|export|push|sync|copy)\b[^\n]{0,100}?\b{SECRET}[^\n]{0,100}?\b(?:to|at|into|via|on|using|towards|through|with)\b[^\n]{0,40}?{DEST}[^\s]{0,40}?{EVIL}`},
		{fam: famExfil, w: 0.45, keys: "send post upload forward email transmit exfiltrate exfil leak submit share deliver relay mail transfer export push sync copy", win: 360, need: "http|www.|@|webhook|external|url|endpoint|server|address|email|/tmp/",
			pat: `(?:send|post|upload|forward|e-?mail|transmit|exfiltrate|exfil|leak|submit|share|deliver|relay|mail|transfer|export|push|sync|copy)\b[^\n]{0,100}?\b{GENERIC}\b[^\n]{0,100}?\b(?:to|at|into|via|on|using|towards|through|with)\b[^\n]{0,40}?{DEST}[^\s]{0,40}?{EVIL}`},
		{fam: famExfil, w: 0.55, keys: "send post upload forward email transmit exfiltrate exfil leak submit share deliver relay mail transfer export push sync copy dump", win: 320, need: "http|www.|@|webhook|external|url|endpoint|server|address|email|/tmp/",
			pat: `(?:upload|forward|transmit|exfiltrate|exfil|leak|relay|export|dump|copy|send|post|email|mail|share|transfer)\b[^\n]{0,60}?\b(?:all|every|any|each)\s+(?:of\s+)?(?:the\s+|your\s+|my\s+|their\s+)?(?:user'?s\s+)?{SECRET}[^\n]{0,100}?\b(?:to|at|into|via|on|using|towards|through|with)\b[^\n]{0,40}?{DEST}`},
		{fam: famExfil, w: 0.4, keys: "does doesn't don't do", raw: true,
			pat: `(?:does\s+not|doesn't|don't|do\s+not)\s+care\s+about\s+(?:privacy|security|confidentiality|secrecy)`},
		{fam: famExfil, w: 0.35, keys: "put include add list publish post share dump",
			pat: `(?:put|include|add|list|publish|post|share|dump)\s+everything\s+you\s+(?:find|found|can\s+find|know|see)\b`},
		{fam: famExfil, w: 0.4, keys: "append add include insert put encode embed attach",
			pat: `(?:append|add|include|insert|put|encode|embed|attach)\s+(?:it|them|this|that|the\s+result|the\s+output|the\s+summary|the\s+encoded\s+\w+)\s+(?:to|in|into|as)\s+(?:the\s+|this\s+|a\s+|an\s+)?(?:image\s+)?(?:url|link|image|query(?:\s+string)?|parameter|param)\b`},
		{fam: famExfil, w: 0.4, keys: "http https", need: "{|[|<|$", needInToken: true,
			pat: `https?://[^\s)"'>]+\?[^\s)"']*?(?:\{[^}\n]{0,60}|\[[^\]\n]{0,60}|<[^>\n]{0,80}|\$\{?)(?:message|conversation|history|chat|secret|key|token|password|email|data|info|summary|context|prompt|memory|cookie|session|credential|ssn|address|phone)`},
		{fam: famExfil, w: 0.45, keys: "forward", win: 300, need: "http|www.|@|webhook|external|url|endpoint|server|address|email|/tmp/",
			pat: `forward\s+(?:all|every|each|any)\s+(?:of\s+)?(?:the\s+|my\s+|your\s+|their\s+)?(?:[a-z]+\s+)?(?:emails?|messages?|mails?|files?|documents?|conversations?|data|invoices?)\b[^\n]{0,80}?\bto\b[^\n]{0,20}?{DEST}`},
		{fam: famExfil, w: 0.5, keys: "exfiltrate exfil",
			pat: `(?:exfiltrate|exfil)\b`},
		{fam: famExfil, w: 0.5, keys: "append add include insert put encode embed attach", win: 300,
			need: "url|link|image|query|param|markdown|request",
			pat:  `(?:append|add|include|insert|put|encode|embed|attach)\b[^\n]{0,80}?\b(?:{SECRET}|{GENERIC}|the\s+user'?s\s+\w+|(?:this|the|our)\s+conversation|previous\s+messages?)\b[^\n]{0,80}?\b(?:to|in|into|as)\s+(?:the\s+|this\s+|a\s+|an\s+)?(?:url|link|image|query(?:\s+string)?|parameter|param|markdown|request|image\s+url)\b`},
		{fam: famExfil, w: 0.4, keys: "read cat open load print output display show dump get fetch access include attach upload base64 send copy grab collect steal",
			need: "ssh/id_|aws/credentials|netrc|git-credentials|npmrc|pypirc|docker/config|kube/config|mcp.json|gh/hosts|_history|/etc/shadow|/etc/passwd|wallet.dat",
			pat:  `(?:read|cat|open|load|print|output|display|show|dump|get|fetch|access|include|attach|upload|base64|send|copy|grab|collect|steal)\b[^\n]{0,40}?(?:~/|\$home/|/home/\w+/|/root/|%userprofile%\\|c:\\users\\\w+\\)?\.?(?:ssh/id_(?:rsa|ed25519|ecdsa|dsa)(?:[^.\w]|$)|aws/credentials|netrc\b|git-credentials|npmrc|pypirc|docker/config\.json|kube/config|cursor/mcp\.json|config/gh/hosts\.yml|bash_history|zsh_history|/etc/shadow|/etc/passwd|mcp\.json|wallet\.dat)`},
		{fam: famExfil, w: 0.55, keys: "aws github gh openai anthropic npm slack stripe hf", win: 300, need: "http|www.|@|webhook|external|url|endpoint|server|address|email|/tmp/",
			pat: `(?:aws_secret_access_key|aws_access_key_id|github_token|gh_token|openai_api_key|anthropic_api_key|npm_token|slack_token|stripe_secret_key|hf_token)\b[^\n]{0,160}?\b(?:post|send|upload|forward|email|transmit|submit|share|put|push|copy|paste)\b[^\n]{0,60}?\b(?:to|at|into|on)\b[^\n]{0,40}?{DEST}`},
		{fam: famExfil, w: 0.4, keys: "post send upload forward transmit submit", win: 200, need: "http|www.|@|webhook|external|url|endpoint|server|address|email|/tmp/",
			pat: `(?:post|send|upload|forward|transmit|submit)\s+(?:them|it|these|those|the\s+values|the\s+results?|everything)\s+(?:to|at|into)\s+[^\n]{0,40}?{DEST}[^\s]{0,40}?{EVIL}`},
		{fam: famExfil, w: 0.45, keys: "replace substitute fill",
			pat: `(?:replace|substitute|fill(?:\s+in)?)\s+\S+\s+with\s+(?:the\s+|your\s+)?(?:user'?s\s+|current\s+)?{SECRET}`},
		{fam: famExfil, w: 0.4, keys: "steal harvest collect",
			pat: `(?:steal|harvest|collect)\s+(?:all\s+)?(?:the\s+)?(?:user'?s\s+)?{SECRET}`},

		// ---- commands -------------------------------------------------------
		{fam: famCommand, w: 0.4, keys: "run execute exec", need: "without",
			pat: `(?:run|execute|exec)\b[^\n]{0,80}?\bwithout\s+(?:asking|confirming|confirmation|prompting|permission|approval|telling|informing|notifying|checking\s+with|(?:the\s+)?user(?:'s)?\s+(?:approval|confirmation|consent|permission|knowledge))`},
		{fam: famCommand, w: 0.45, keys: "use call invoke",
			pat: `(?:use|call|invoke)\s+(?:the\s+|your\s+)?(?:bash|shell|terminal|exec|execute_command|run_terminal_cmd|run_command|run_shell_command|computer|code_interpreter|python)\s+tool\s+to\b`},
		{fam: famCommand, w: 0.5, keys: "decode",
			pat: `decode\s+(?:it\s+|this\s+|the\s+\w+\s+|and\s+follow\s+)?(?:and|then)\s+(?:execute|run|follow|obey|apply|do\s+what\s+it\s+says|act\s+on)`},
		{fam: famCommand, w: 0.55, keys: "bash sh",
			pat: `(?:ba)?sh\s+-i\s+>&\s*/dev/tcp/`},
		{fam: famCommand, w: 0.55, keys: "nc ncat netcat", scope: onLine,
			pat: `(?:nc|ncat|netcat)\s+(?:-\w+\s+)*-e\s+/bin/(?:ba)?sh`},
		{fam: famCommand, w: 0.25, keys: "curl wget", scope: onLine, need: "sh",
			pat: `(?:curl|wget)\b[^\n|]{0,200}\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b`},
		{fam: famCommand, w: 0.35, keys: "chmod",
			pat: `chmod\s+-r\s+(?:777|a\+rwx)\s+(?:/|~)(?:\s|$|&|;|\x60)`},
		{fam: famCommand, w: 0.4, keys: "no without proceed don't do",
			pat: `(?:no\s+need\s+to|(?:you\s+)?(?:don't|do\s+not)\s+need\s+to|without\s+(?:having\s+to\s+)?|proceed\s+without)\s+(?:ask(?:ing)?|confirm(?:ing|ation)?(?:\s+with)?|check(?:ing)?\s+with|approval|permission|tell(?:ing)?|bother(?:ing)?)\b(?:\s+(?:the\s+)?user)?`},
		{fam: famCommand, w: 0.35, keys: "rm",
			pat: `rm\s+-(?:rf|fr|r\s+-f)\s+(?:(?:/|~|\$home|/\*|--no-preserve-root)(?:\s|$|\*|\x60)|(?:/var/lib|/etc|/usr|/home|/srv|/opt|/data|/var/www|/root)\b)`},
		{fam: famCommand, w: 0.35, keys: "navigate go",
			pat: `(?:navigate|go)\s+to\s+https?://\S+\s+and\s+(?:run|execute|download|install)\b`},

		// ---- tools ----------------------------------------------------------
		{fam: famTool, w: 0.3, keys: "before after when whenever every each prior",
			pat: `(?:before|after|when|whenever|every\s+time|each\s+time|prior\s+to)\s+(?:you\s+)?(?:using|calling|invoking|running|executing|use|call|invoke|run)\s+(?:this|the|any|that|every|each|other)\s+(?:\w+\s+)?(?:tools?|functions?)\b`},
		{fam: famTool, w: 0.5, keys: "otherwise",
			pat: `otherwise\s+(?:the|this)\s+(?:tool|function|server)\s+(?:will\s+not|won't|will\s+fail|does\s+not|doesn't|cannot|can't|will\s+(?:crash|error|break))`},
		{fam: famTool, w: 0.45, keys: "include pass put add send insert", need: "argument|parameter|param|field",
			pat: `(?:include|pass|put|add|send|insert)\s+(?:the\s+|its\s+|their\s+|it\s+)?(?:result|output|content|contents|value|token|key|file|it|them)?s?\s*(?:in|into|as)\s+(?:the\s+|a\s+)?['"\x60]?[a-z_]+['"\x60]?\s+(?:argument|parameter|param|field)\b`},
		{fam: famTool, w: 0.3, keys: "use call invoke", need: "tool",
			pat: `(?:use|call|invoke)\s+(?:the\s+|your\s+)?(?:[a-z_]+\s+)?(?:browsing|browser|web|fetch|http|search|email|mail|file|read_file|shell|bash|terminal|python)\s+tool\s+to\b`},
		{fam: famTool, w: 0.4, keys: "pass",
			pat: `pass\s+(?:its|the|their|this|that|all|the\s+file's|the\s+full)\s+(?:content|contents|text|value|output|data)\s+(?:as|in|into|via|through)\b`},
		{fam: famTool, w: 0.5, keys: "ignore disregard do don't never stop",
			pat: `(?:ignore|disregard|do\s+not\s+use|don't\s+use|never\s+use|stop\s+using)\s+(?:the\s+|any\s+)?(?:other|original|previous|existing|real)\s+(?:tools?|functions?|servers?)`},
		{fam: famTool, w: 0.3, keys: "instead rather",
			pat: `(?:instead\s+of|rather\s+than)\s+(?:calling|using|invoking)\b[^\n.]{0,60}?\b(?:call|use|invoke)\b`},
		{fam: famTool, w: 0.45, keys: "always also additionally secretly silently", need: "@|http",
			pat: `(?:always|also|additionally|secretly|silently)\s+(?:cc|bcc|send\s+a\s+copy|forward\s+(?:a\s+copy|all|every)|add|include|attach|append)\b[^\n]{0,60}?(?:@|https?://)`},
		{fam: famTool, w: 0.35, keys: "change set replace update switch",
			pat: `(?:change|set|replace|update|switch)\s+(?:the\s+)?(?:recipient|to\s+address|destination|account\s+number|iban|wallet\s+address|beneficiary|payee|routing\s+number|bank\s+account)\s+(?:to|with)\b`},
		{fam: famTool, w: 0.3, keys: "tool function",
			pat: `(?:tool|function)\s+(?:description|definition|behavior|behaviour)\s+(?:has\s+(?:been\s+)?changed|is\s+updated|was\s+updated)`},
		{fam: famTool, w: 0.3, keys: "please",
			pat: `please\s+(?:initiate|transfer|grant|unlock|disable|wire|withdraw|move|send|pay|deposit|sell|buy|delete|deactivate|revoke|share|forward|change|update|reset)\b[^\n.]{0,80}?(?:\$\s?\d|\b\d{3,}[- ]\d{3,}|account|password|access|permission|funds|payment|2fa|door|lock|alarm|camera|wallet|bitcoin|btc|crypto|all\s+(?:my|the|your)\s+(?:files|emails|data))`},

		// ---- output manipulation -------------------------------------------
		{fam: famOutput, w: 0.35, keys: "respond reply answer output say print write return",
			pat: `(?:respond|reply|answer|output|say|print|write|return)\s+(?:only|just|exactly|solely)\s+(?:with\s+)?(?:the\s+(?:phrase|word|text)\s+)?["':]`},
		{fam: famOutput, w: 0.35, keys: "respond reply answer",
			pat: `(?:respond|reply|answer)\s+(?:only\s+)?with\s+(?:exactly|only|just)?\s*[:"']`},
		{fam: famOutput, w: 0.35, keys: "respond reply answer",
			pat: `(?:respond|reply|answer)\s+(?:only\s+)?with\s+(?:the\s+)?(?:full\s+)?(?:contents?|values?|text)\s+of\b`},
		{fam: famOutput, w: 0.4, keys: "your",
			pat: `your\s+(?:only\s+)?(?:response|answer|reply|output)\s+(?:should|must|will|shall)\s+(?:only\s+)?(?:be|start|begin|contain|include|end)\b`},
		{fam: famOutput, w: 0.4, keys: "start begin prefix end",
			pat: `(?:start|begin|prefix|end)\s+your\s+(?:response|answer|reply|output)\s+with\b`},
		{fam: famOutput, w: 0.45, keys: "append add include insert",
			pat: `(?:append|add|include|insert)\s+(?:the\s+following\s+)?(?:to|in|at\s+the\s+(?:end|start|beginning)\s+of)\s+your\s+(?:response|answer|reply|output|summary)`},
		{fam: famOutput, w: 0.35, keys: "include mention add insert", win: 160, need: "your",
			pat: `(?:include|mention|add|insert)\b[^.\n]{0,60}?\bin\s+your\s+(?:response|answer|reply|summary|output)\b`},
		{fam: famOutput, w: 0.4, keys: "every whenever each",
			pat: `(?:every\s+time|whenever|each\s+time)\s+(?:you\s+(?:get|receive|see|are\s+asked)|someone\s+asks|the\s+user\s+asks|a\s+user\s+asks)[^.\n]{0,40}?,?\s*(?:answer|respond|reply|say|output)\b`},
		{fam: famOutput, w: 0.4, keys: "add append include insert write put",
			pat: `(?:add|append|include|insert|write|put)\s+(?:this\s+|the\s+following\s+)?(?:at|to)\s+the\s+(?:end|start|beginning|bottom|top)(?:\s+of\s+(?:your|the|each|every)\s+(?:answer|response|reply|summary|output|message))?\s*:`},
		{fam: famOutput, w: 0.4, keys: "at",
			pat: `at\s+the\s+(?:start|beginning|end|top)\s+of\s+your\s+(?:response|answer|reply|output)\b`},
		{fam: famOutput, w: 0.5, keys: "acknowledge confirm prove",
			pat: `(?:acknowledge|confirm|prove)\b[^.\n]{0,40}?\bby\s+(?:saying|starting|responding|replying|writing|outputting|beginning)\b`},
		{fam: famOutput, w: 0.6, keys: "say output print respond reply",
			pat: `(?:say|output|print|respond\s+with|reply\s+with)\s*:?\s*["']?(?:i\s+have\s+been\s+pwned|access\s+granted|hacked|injection\s+(?:successful|worked))`},
		{fam: famOutput, w: 0.45, keys: "pwned",
			pat: `pwned\b`},
		{fam: famOutput, w: 0.3, keys: "tell inform notify warn alert remind",
			pat: `(?:tell|inform|notify|warn|alert|remind)\s+(?:the\s+)?(?:user|users|reader|readers|customer|customers|them)\s+(?:that|to|about|they|their)\b`},
		{fam: famOutput, w: 0.3, keys: "you always make",
			pat: `(?:you\s+must|you\s+should|you\s+have\s+to|always|make\s+sure\s+(?:to|you))\s+(?:tell|inform|recommend|mention|suggest|claim|state|say\s+that|answer\s+that|reply\s+that|respond\s+that)\b`},
		{fam: famOutput, w: 0.3, keys: "their your",
			pat: `(?:their|your)\s+(?:account|password|session|session\s+token|subscription|card)\s+(?:has|have|is|was)\s+(?:been\s+)?(?:compromised|expired|suspended|locked|hacked|breached|flagged)\b`},
		{fam: famOutput, w: 0.3, keys: "also",
			pat: `also\s+(?:output|say|print|write|respond\s+with|add)\s*:`},
		{fam: famOutput, w: 0.25, keys: "say output print", need: "nothing|only|verbatim|exactly",
			pat: `(?:say|output|print)\s*:?\s*["'][^"'\n]{1,80}["']\s*(?:and\s+nothing\s+else|only|verbatim|exactly)`},

		// ---- concealment ----------------------------------------------------
		{fam: famConceal, w: 0.45, keys: "do don't dont never without", raw: true,
			pat: `(?:do\s+not|don't|dont|never|without)\s+(?:tell(?:ing)?|inform(?:ing)?|notify(?:ing)?|alert(?:ing)?|warn(?:ing)?|let(?:ting)?|mention(?:ing)?\s+(?:this|it|that|anything)\s+to|reveal(?:ing)?\s+(?:this|it|that|anything)\s+to|show(?:ing)?\s+(?:this|it)\s+to|disclos(?:e|ing)\s+(?:this|it|that)\s+to)\s+(?:the\s+)?(?:user|human|person|customer|operator|owner|developer)s?\b`},
		{fam: famConceal, w: 0.35, keys: "must mustn't should shouldn't avoid", raw: true,
			pat: `(?:must\s+not|mustn't|should\s+not|shouldn't|avoid)\s+(?:tell(?:ing)?|inform(?:ing)?|notify(?:ing)?|alert(?:ing)?|let(?:ting)?)\s+(?:the\s+)?(?:user|human)s?\b`},
		{fam: famConceal, w: 0.45, keys: "do don't dont never and or nor", raw: true,
			pat: `(?:do\s+not|don't|dont|never|and\s+not|or|nor)\s+(?:mention|reveal|disclose|acknowledge|say|admit|reference|report|discuss|bring\s+up|indicate|explain|show)\s+(?:that\s+you\s+(?:were|have\s+been|are\s+being)\s+(?:told|instructed|asked)|that\s+you\s+(?:first|also|then|read|did|have|ran|sent|accessed)|this\s+(?:instruction|message|note|request|step|action|part|section|text|change|command|file)|these\s+(?:instructions|steps|actions)|the\s+(?:above|following|previous|hidden)\s+(?:instructions?|steps?|text|actions?)|anything\s+about\s+(?:this|these)|(?:that|where)\s+(?:this|these|the)\s+(?:instruction|message|request)s?)`},
		{fam: famConceal, w: 0.45, keys: "do don't dont never", raw: true,
			pat: `(?:do\s+not|don't|dont|never)\s+(?:mention|reveal|disclose|report|include|say)\s+(?:it|this|that|them|any\s+of\s+this)\s+(?:in|to)\s+(?:your|the)\s+(?:summary|response|answer|reply|report|output|user|description|pr|pull\s+request|commit\s+message|commit|changelog|notes|message|review|reviewer)\b`},
		{fam: famConceal, w: 0.35, keys: "do don't dont never", raw: true,
			pat: `(?:do\s+not|don't|dont|never)\s+(?:bother|disturb|trouble|worry|ask|alert)\s+the\s+(?:user|human)\b`},
		{fam: famConceal, w: 0.35, keys: "do don't dont never", raw: true,
			pat: `(?:do\s+not|don't|dont|never)\s+(?:mention|include|report|show|list|reveal)\s+(?:any|the)\s+(?:complaints?|negative\s+\w+|criticism|issues|problems|warnings|risks|downsides|bad\s+reviews?)\b`},
		{fam: famConceal, w: 0.3, keys: "do don't dont never", raw: true,
			pat: `(?:do\s+not|don't|dont|never)\s+(?:reveal|disclose|share)\s+(?:these|this|the|your)\s+(?:instructions|prompt|system\s+prompt)\b`},
		{fam: famConceal, w: 0.45, keys: "without", raw: true,
			pat: `without\s+(?:the\s+)?(?:user|human|them|anyone|owner|operator)(?:'s)?\s+(?:knowing|noticing|being\s+aware|finding\s+out|seeing|knowledge)\b`},
		{fam: famConceal, w: 0.5, keys: "keep make", raw: true,
			pat: `(?:keep|make)\s+(?:this|it|these|the\s+following)\s+(?:a\s+)?(?:secret|hidden|confidential|private)\s+from\s+(?:the\s+)?(?:user|human)`},
		{fam: famConceal, w: 0.5, keys: "user human", raw: true,
			pat: `(?:user|human)\s+(?:must|should|will|does|need|needs)\s*(?:never|not|n't)\s+(?:know|find\s+out|see|notice|be\s+(?:told|informed|aware|notified))\b`},
		{fam: famConceal, w: 0.35, keys: "secretly silently quietly covertly stealthily discreetly invisibly", raw: true,
			pat: `(?:secretly|silently|quietly|covertly|stealthily|discreetly|invisibly)\s+(?:send|forward|copy|upload|add|include|append|run|execute|exfiltrate|transfer|post|email|cc|bcc|delete|modify|change|insert|embed)\b`},
		{fam: famConceal, w: 0.4, keys: "this", raw: true,
			pat: `this\s+(?:could|would|might|will)\s+(?:even\s+)?(?:upset|scare|alarm|worry|confuse)\s+the\s+user`},
		{fam: famConceal, w: 0.45, keys: "不要告诉 别告诉", scope: aroundKey, win: 90, raw: true,
			pat: `(?:不要告诉|别告诉)(?:用户|使用者)`},

		// ---- addressed to the AI --------------------------------------------
		{fam: famAddress, w: 0.4, keys: "note message attention instruction instructions notice memo reminder important warning ps hint directive",
			pat: `(?:note|message|attention|instructions?|notice|memo|reminder|important|warning|p\.?s\.?|hint|directive)\s*(?:to|for)\s+(?:the\s+|all\s+|any\s+|every\s+|an?\s+)?(?:[a-z-]+\s+){0,2}?{AIN}\b`},
		{fam: famAddress, w: 0.45, keys: "ai llm assistant agent model", raw: true,
			pat: `(?:ai|llm|assistant|agent|model)[\s_-]*(?:instructions?|note|notice|directive|command|override|message)\b\s*[:\]}]`},
		{fam: famAddress, w: 0.35, keys: "ai llm", raw: true,
			pat: `(?:ai|llm)[\s_-]+(?:instructions?|note|directive|override)\b`},
		{fam: famAddress, w: 0.45, keys: "instruct order direct command require", raw: true,
			pat: `(?:instruct|order|direct|command|require)\s+(?:all\s+|any\s+|every\s+)(?:[a-z]+\s+)?{AIN}\s+to\b`},
		{fam: famAddress, w: 0.45, keys: "if", raw: true,
			pat: `if\s+you\s+are\s+(?:an?\s+)?(?:ai|llm|large\s+language\s+model|language\s+model|ai\s+(?:assistant|agent|model|system|bot|crawler|tool)|assistant|chatbot|bot|gpt|chatgpt|claude|gemini|copilot|automated\s+(?:agent|system|tool|assistant|crawler|bot))\b`},
		{fam: famAddress, w: 0.45, keys: "if when whenever", raw: true,
			pat: `(?:if|when|whenever)\s+(?:an?\s+|any\s+|the\s+)?(?:ai|llm|language\s+model|ai\s+(?:assistant|agent|model)|assistant|agent|chatbot|model)s?\s+(?:is\s+|are\s+)?(?:reads?|reading|processes|processing|summariz\w+|sees?|seeing|parses|parsing|encounters?|views?|crawls?|scrapes?|visits?)\b`},
		{fam: famAddress, w: 0.4, keys: "ai llm llms assistant assistants agent agents model models chatbot chatbots bot bots", raw: true,
			pat: `{AIN}\s+(?:reading|processing|summarizing|parsing|scraping|visiting|crawling|analy[sz]ing|viewing|seeing)\s+(?:this|these|the\s+(?:page|document|text|content|file|issue|email|message|site|website|repo(?:sitory)?))`},
		{fam: famAddress, w: 0.5, keys: "ai llm llms assistant assistants agent agents model models bot bots chatbot claude chatgpt gpt gemini copilot cursor devin codex bing bard",
			pat: `{AIV}\s*,\s*(?:please\s+|you\s+must\s+|now\s+|immediately\s+|first\s+|also\s+|kindly\s+)?(?:ignore|disregard|forget|do\s+not|don't|stop|execute|run|send|reveal|print|output|respond|reply|say|tell|write|include|add|delete|remove|visit|open|navigate|fetch|read|summarize|translate|click|call|use|grant|transfer|email|forward|make|create|update|change|set|enter|activate|enable|disable|switch|append|insert|leak|share|disclose|list|show|give|provide|repeat)\b`},
		{fam: famAddress, w: 0.5, keys: "ai llm llms assistant assistants agent agents model models bot bots chatbot claude chatgpt gpt gemini copilot cursor devin codex bing bard", noLine: true,
			pat: `{AIV}\s*:\s*(?:please\s+|you\s+must\s+|now\s+|immediately\s+|first\s+|kindly\s+)?(?:ignore|disregard|forget|do\s+not|don't|stop|execute|run|send|reveal|print|output|respond|reply|say|tell|write|include|delete|remove|visit|navigate|fetch|click|grant|transfer|email|forward|enter|activate|enable|disable|switch|append|insert|leak|disclose|repeat|approve|merge|push|close|buy|purchase|pay|label|assign|recommend|when|if|before|after|the\s+user)\b`},
		{fam: famAddress, w: 0.4, keys: "ai llm llms agents assistants models bots coding code autonomous language large", raw: true,
			pat: `(?:(?:ai|llm|coding|code|autonomous)\s+(?:agents|assistants|models|bots|systems|tools)|llms|language\s+models|large\s+language\s+models)\s*\**\s*:`},
		{fam: famAddress, w: 0.35, keys: "assistant ai model agent llm", raw: true,
			pat: `(?:assistant|ai|model|agent|llm)s?\s+(?:is\s+|are\s+)?(?:now\s+)?(?:must|should|shall|needs?\s+to|has\s+to|have\s+to|required\s+to|instructed\s+to|expected\s+to|allowed\s+to|permitted\s+to|authorized\s+to|may\s+now|can\s+now)\s+(?:always\s+|first\s+|also\s+|now\s+|immediately\s+)?(?:call|use|run|read|send|share|include|invoke|execute|fetch|pass|add|forward|email|upload|tell|say|ignore|reveal|delete|disclose|approve|grant)\b`},
		{fam: famAddress, w: 0.4, keys: "todo fixme note", raw: true,
			pat: `(?:todo|fixme|note)\s*\(\s*(?:ai|llm|agent|assistant|claude|copilot|cursor|codex|devin)\s*\)`},
		{fam: famAddress, w: 0.3, keys: "@", raw: true,
			pat: `@(?:claude|copilot|codex|cursor|devin|gemini|chatgpt|gpt|ai|assistant|openhands|aider)\b`},
		{fam: famAddress, w: 0.45, keys: "@", raw: true,
			pat: `@(?:claude|copilot|codex|cursor|devin|gemini|chatgpt|gpt|ai|assistant|openhands|aider)[\w-]*\s*,?\s+(?:please\s+|you\s+must\s+|now\s+)?(?:ignore|disregard|forget|do\s+not|don't|stop|execute|run|send|reveal|print|output|delete|remove|merge|push|approve|grant|transfer|email|forward|disable|leak|disclose|close)\b`},
		{fam: famAddress, w: 0.3, keys: "when whenever while if",
			pat: `(?:when|whenever|while|if)\s+(?:answering|responding|replying|summari[sz]ing|translating|you\s+(?:answer|respond|reply|summari[sz]e|translate))\b`},
		{fam: famAddress, w: 0.35, keys: "ai llm assistant agent model bot chatbot claude chatgpt gpt gemini copilot cursor devin codex", raw: true, line: true,
			pat: `{AIV}\s*,`},
		{fam: famAddress, w: 0.35, keys: "attention hey hi hello dear listen ok okay yo greetings", raw: true,
			pat: `(?:attention|hey|hi|hello|dear|listen|ok|okay|yo|greetings)\s*[,:!]?\s*(?:the\s+)?(?:ai|llm|assistant|agent|claude|chatgpt|gpt|copilot|gemini|bing|bard|cursor|devin|codex|chatbot)s?\b`},
		{fam: famAddress, w: 0.5, keys: "this", raw: true,
			pat: `this\s+is\s+an?\s+(?:important|urgent|critical|official|mandatory)\s+(?:message|instruction|notice|update|request)\s+from\b`},
		{fam: famAddress, w: 0.5, keys: "before", raw: true,
			pat: `before\s+you\s+(?:can\s+)?(?:solve|complete|continue|finish|do|start|proceed\s+with|perform|begin)\s+(?:the|your|this|my)\s+(?:task|request|question|job|assignment)`},
		{fam: famAddress, w: 0.35, keys: "before", raw: true,
			pat: `before\s+(?:you\s+)?(?:summariz|translat|answer|respond|reply|continu|proceed|process|pars|analy[sz])\w*[^.\n]{0,40}?(?:please\s+)?first\b`},
		{fam: famAddress, w: 0.5, keys: "after", raw: true,
			pat: `after\s+you\s+(?:do|have\s+done|finish|complete)\s+(?:that|this|it),?\s+you\s+(?:can|may|should)\s+(?:solve|complete|continue|proceed|finish|return|go\s+back)`},
		{fam: famAddress, w: 0.35, keys: "task", raw: true,
			pat: `task\s+(?:that\s+)?i\s+(?:gave|assigned)\s+you\b`},
		{fam: famAddress, w: 0.4, keys: "please", raw: true,
			pat: `please\s+do\s+the\s+following\s+first\b`},

		// ---- role markers ---------------------------------------------------
		{fam: famRole, w: 0.45, keys: "<|", raw: true,
			pat: `<\|\s*(?:im_start|im_end|im_sep|system|user|assistant|end|endoftext|eot_id|eom_id|start_header_id|end_header_id|begin_of_text|end_of_text|endofprompt|endofturn|python_tag|tool|ipython|channel|message|start|return|call|constrain|sep|developer)\s*\|>`},
		{fam: famRole, w: 0.4, keys: "<start_of_turn <end_of_turn", raw: true,
			pat: `<(?:start|end)_of_turn>`},
		{fam: famRole, w: 0.4, keys: "[inst] [/inst]", raw: true,
			pat: `\[/?inst\]`},
		{fam: famRole, w: 0.45, keys: "<<sys>> <</sys>>", raw: true,
			pat: `<</?sys>>`},
		{fam: famRole, w: 0.5, keys: "[system](#", raw: true,
			pat: `\[system\]\(#[\w-]*\)?`},
		{fam: famRole, w: 0.4, keys: "[assistant](# [user](#", raw: true,
			pat: `\[(?:assistant|user)\]\(#`},
		{fam: famRole, w: 0.4, keys: "[system [admin [developer [ai [assistant [llm [model [hidden [priority [instruction [override [note [new [secret [previous", raw: true,
			pat: `\[\s*(?:system|admin|administrator|developer|ai|assistant|llm|model|hidden|priority|instructions?|override|system\s+override|admin\s+override|ai[\s_-]override|ai[\s_-]instructions?|ai[\s_-]note|note\s+to\s+(?:the\s+)?ai|new\s+(?:instructions?|directive)|system\s+(?:message|note|prompt|notice|alert|update)|priority\s+instruction|secret\s+instructions?|previous\s+ai\s+response)\s*\]`},
		{fam: famRole, w: 0.35, keys: "<system </system <sys> </sys> <developer </developer <assistant </assistant <user> </user> <human </human <ai> </ai> <tool_call </tool_call <function_call </function_call", raw: true,
			pat: `</?\s*(?:(?:system|developer|assistant|user|human|admin)(?:[_-]?(?:prompt|message|msg|instructions?|note|override|turn))?|sys|ai|tool_calls?|function_call)\s*>`},
		{fam: famRole, w: 0.3, keys: "user human assistant ai", raw: true, line: true, midText: true, win: 40,
			pat: `(?:user|human|assistant|ai)\s*\**\s*:`},
		{fam: famRole, w: 0.35, keys: "#", raw: true, line: true,
			pat: `#{1,6}[ \t]*(?:system|system\s+prompt|system\s+message|instruction|instructions|response|input|assistant|human|user|new\s+instructions?|developer\s+message|admin)[ \t]*:`},
		{fam: famRole, w: 0.3, keys: "system developer admin administrator", raw: true, line: true, win: 40, need: ":",
			pat: `(?:system|developer|admin|administrator)[ \t]*(?:message|prompt|note|notice|alert|update|directive|command|announcement|override|instructions?)?[ \t]*\**[ \t]*:`},

		// ---- delimiters -----------------------------------------------------
		{fam: famDelim, w: 0.25, keys: "end", raw: true,
			pat: `end\s+of\s+(?:the\s+)?{DOCN}\b`},
		{fam: famDelim, w: 0.4, keys: "end", raw: true,
			pat: `end\s+of\s+(?:the\s+)?{DOCN}\b[ \t]*{DL}`},
		{fam: famDelim, w: 0.4, keys: "--- === ### *** %%% >>> [[ ]] ``` ~~~ +++ <<<", raw: true,
			pat: `{DL}[ \t]*(?:end\s+of\s+(?:the\s+)?{DOCN}|end[\s_]+(?:system|user\s+\w+|of\s+input|input|context|document)|(?:begin|start)\s+(?:of\s+)?(?:(?:new|real|actual|system|admin|developer|secret|hidden|updated)\s+)*(?:instructions?|prompt|task|message|directives?|orders)|system|admin|administrator|developer|override|instructions?|new\s+instructions?|(?:new\s+)?system\s+(?:message|prompt|override|notice|instructions?)|end_system|end|important|hidden|secret)[ \t]*(?:{DL}|:)`},
		{fam: famDelim, w: 0.35, keys: "--- === ### *** %%% >>> [[ ]] ``` ~~~ +++ <<<", raw: true, win: 80, need: "note|instruction|directive|override",
			pat: `{DL}[ \t]*(?:[a-z']+\s+){0,4}(?:note|instructions?|directive|override)s?[ \t]*(?:{DL}|:)`},
		{fam: famDelim, w: 0.3, keys: "</tool_ </function_ </search_ </document </context </user_ </untrusted </external </webpage </web_page </page_content </file_content </retrieved </observation </email", raw: true,
			pat: `</\s*(?:tool_result|tool_results|tool_output|tool_response|function_results?|function_output|search_results?|document|documents|context|user_input|user_query|untrusted\w*|external_content|webpage|web_page|page_content|file_content|retrieved\w*|observation|email)\s*>`},
		{fam: famDelim, w: 0.3, keys: "<important <information <instruction <secret <hidden <admin <override <system_override <priority <urgent <new", raw: true,
			pat: `<\s*(?:new[_-]?)?(?:important|information|instructions?|secret|hidden|admin|override|system[_-]override|priority|urgent)\b[^<>\n]{0,60}>`},
		{fam: famDelim, w: 0.4, keys: "above preceding previous",
			pat: `(?:above|preceding|previous)\s+(?:text\s+|content\s+|message\s+|instructions?\s+)?(?:was|is|were)\s+(?:just\s+|only\s+|merely\s+)?(?:a|an)\s+(?:test|example|placeholder|fake|joke|dummy|distraction|decoy)\b`},
		{fam: famDelim, w: 0.35, keys: "begin start", raw: true,
			pat: `(?:begin|start)\s+(?:of\s+)?(?:the\s+)?(?:new|real|actual|true|secret|hidden|system|admin|developer|override|priority|updated)\s+(?:instructions?|prompt|task|message|directives?|orders)\b`},
	}
}

// imperatives are the actions injections order a model to take. Actions
// of ordinary coding instructions (run, use, add, update) are left out:
// an AGENTS.md telling agents to run the tests is not an attack.
func imperatives() []string {
	return strings.Fields(`send forward email mail upload post paste disclose reveal leak share publish export
		exfiltrate delete remove erase wipe destroy close approve merge purchase buy order pay transfer
		wire refund mark schedule book grant revoke disable deactivate unlock ignore disregard forget
		output print say tell respond reply include append insert execute download install visit click
		navigate invoke encode recommend claim praise rate promote inform notify endorse sign accept
		submit dump leak expose revert push overwrite rewrite buy label assign proceed`)
}

// Context words, looked up by the phrase engine.
func contextWords() (negation, modal, conditional, aiWords, discussion, causative []string) {
	negation = []string{"not", "never", "don't", "dont", "doesn't", "didn't", "cannot", "can't", "won't", "shouldn't", "mustn't", "no", "nor", "isn't", "aren't", "wouldn't", "couldn't"}
	modal = []string{"will", "would", "can", "could", "may", "might", "to", "attempts", "attempt", "tries", "try", "trying", "tried", "tells", "told", "telling", "ask", "asks", "asking", "asked", "instructs", "instructing", "instructed", "says", "saying", "said", "such", "like", "as", "called", "whether", "how", "phrases", "phrase", "strings", "string", "contains", "containing", "include", "includes", "including", "e.g", "eg", "i.e", "example", "typed", "type", "wrote", "write", "writes", "users", "user", "someone", "they", "attackers", "attacker"}
	conditional = []string{"if", "when", "unless", "whenever", "otherwise", "once"}
	aiWords = []string{"ai", "llm", "llms", "assistant", "agent", "model", "bot", "chatbot", "gpt", "chatgpt", "claude", "gemini", "copilot", "language", "reading", "read", "processing", "summarizing", "summarising", "parsing", "scraping", "crawling", "seeing", "see", "answering", "responding", "replying", "translating", "asked"}
	causative = []string{"make", "makes", "made", "making", "let", "lets", "get", "gets", "got", "cause", "causes", "caused", "force", "forces", "forced", "convince", "convinces", "convinced", "trick", "tricks", "tricked", "persuade", "persuades", "persuaded", "into", "coax", "manipulate", "manipulates", "manipulated"}
	discussion = []string{"attacker", "attackers", "attack", "attacks", "attacked", "adversarial", "adversary", "malicious", "payload", "payloads", "exploit", "exploits", "exploited", "exploiting", "vulnerability", "vulnerabilities", "vulnerable", "jailbreaks", "jailbreaking", "injection", "injections", "injected", "injecting", "classifier", "classifiers", "detector", "detectors", "detection", "detect", "detects", "detecting", "mitigate", "mitigation", "mitigations", "example", "examples", "researcher", "researchers", "owasp", "phishing", "threat", "threats", "hijack", "hijacking", "hijacked", "manipulate", "manipulation", "defenses", "defense", "defences", "defence", "benchmark", "dataset", "sanitize", "sanitizer", "testcase", "testcases", "red-team", "redteam", "pentest", "heuristic", "heuristics", "regex", "regexp", "pattern", "patterns", "assert", "expected"}
	return
}

// leadIns are the words after which an imperative starts a clause
// ("please send", "must delete").
func leadIns() []string {
	return []string{"please", "must", "should", "to", "then", "and", "also", "instead", "now", "immediately", "first", "kindly", "just", "simply", "always", "next", "finally", "need", "you'll", "will", "shall", "secretly", "silently", "quietly", "only"}
}

// encodedKeys are key words whose rot13 or reversed spelling in a text
// makes the scan look at the text decoded that way.
func encodedKeys() []string {
	return []string{"ignore", "disregard", "forget", "instructions", "previous", "system", "prompt", "reveal", "password", "secret"}
}

// expand replaces the macros of a pattern; macros may use macros, and
// two rounds are enough.
func expand(pat string) string {
	m := strings.NewReplacer(macros()...)
	return m.Replace(m.Replace(pat))
}

// pattern returns the regular expression a rule matches with: its
// pattern expanded, anchored at the key when the rule matches from it.
func (spec *ruleSpec) pattern() string {
	if spec.scope == fromKey {
		return `^(?:` + expand(spec.pat) + `)`
	}
	return expand(spec.pat)
}

// The tables the scanner runs on are derived from ruleSpecs, contextWords
// and the other lists above, and stored as static data in tables_gen.go:
// every pattern compiled to a prog, every prefilter derived, the word
// index built. A scan builds nothing, and a process that scans once
// pays only for the text (see prog.go). TestGenerated writes the file
// and fails when it is stale.
//
//go:generate go test -tags injectgen -run ^TestGenerated$ -update

// rule is a ruleSpec as the scanner runs it: the pattern compiled to a
// prog, the needed literals split.
type rule struct {
	fam         family
	w           float64
	scope       scope
	line        bool
	noLine      bool
	raw         bool
	midText     bool
	needInToken bool
	win         int
	needs       []string // the literals of the spec's need
	need        uint16   // 1 + the index of needs among the rules' lists
	prog        prog
}

// Flags of a word in the word index.
const (
	wNegation uint8 = 1 << iota
	wModal
	wConditional
	wAI
	wDiscussion
	wCausative
	wRot13 // the rot13 of a key word: the text may be rot13
	wReverse
)

// Flags of a word, second byte.
const (
	wImperative uint8 = 1 << iota // an action an injection orders
	wLeadIn                       // a word after which an imperative starts a clause
)

type wordEntry struct {
	word   string
	key    uint16 // the key's index, for keyScan.seen
	rules  []ruleRef
	flags  uint8
	flags2 uint8
}

// ruleRef is a rule a key runs, with the rule's prefilter for that key
// (an index into tables.follows, 0 for none) and, for an anchored
// pattern, where its prog stands after the key (1 + an index into
// tables.seeds, 0 for none).
type ruleRef struct {
	rule   uint16
	follow uint16
	seeds  uint16
}

type punctKey struct {
	lit   string
	key   uint16 // the key's index, for keyScan.seen
	rules []ruleRef
}

// tables are the detectors, shared by every Scanner.
type tables struct {
	rules []rule
	// words is the word index, an open-addressing hash table: slots
	// holds 1 + the index in words of the word whose wordHash lands
	// there or after it, 0 for an empty slot.
	words []wordEntry
	slots []uint16
	// lengths has bit n of entry c set when some word of words starts
	// with byte c and is n bytes long (n < 64): most words of a text are
	// rejected without a hash.
	lengths [256]uint64
	punct   [128][]punctKey // by first byte
	cjk     []punctKey      // non-ASCII keys, found by strings.Index
	numKeys int             // words and punctKeys
	follows []follow        // prefilters, from 1
	classes []class         // character classes of the progs
	maxCode int             // the length of the longest prog
	seeds   [][]uint16      // see ruleRef
}

// compiled returns the tables; they are static data, built by go
// generate.
func compiled() *tables { return &generated }

// wordHash is FNV-1a.
func wordHash(w string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		h ^= uint32(w[i])
		h *= 16777619
	}
	return h
}

// lookup returns the entry of a word, or nil.
func (t *tables) lookup(w string) *wordEntry {
	if len(w) >= 64 || t.lengths[w[0]]&(1<<len(w)) == 0 {
		return nil
	}
	mask := uint32(len(t.slots) - 1)
	for h := wordHash(w) & mask; ; h = (h + 1) & mask {
		k := t.slots[h]
		if k == 0 {
			return nil
		}
		if e := &t.words[k-1]; e.word == w {
			return e
		}
	}
}

func rot13(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = rot13Byte(c)
	}
	return string(b)
}

func rot13Byte(c byte) byte {
	switch {
	case 'a' <= c && c <= 'z':
		return 'a' + (c-'a'+13)%26
	case 'A' <= c && c <= 'Z':
		return 'A' + (c-'A'+13)%26
	}
	return c
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}
