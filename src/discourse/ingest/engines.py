"""What the post-body markup of each forum engine means: wrappers, quotes, chrome, smilies.

:mod:`discourse.ingest.html_text` reads post bodies with these tables. Every entry comes from
the engine's own templates (the HTML its BBCode or Markdown renderer writes), so the rules hold
for any forum running that engine, whatever its language or style:

========================  ==================================================================
engine                    quote markup (attribution, quoted post id)
========================  ==================================================================
XenForo 2                 ``blockquote|div.bbCodeBlock--quote``: ``data-quote``,
                          ``data-source="post: N"``, ``.bbCodeBlock-title`` "NAME said:" with a
                          ``/goto/post?id=N`` link
XenForo 1                 ``div.bbCodeQuote[data-author]`` > ``aside`` > ``.attribution`` +
                          ``blockquote.quoteContainer > .quote``
vBulletin 4 and 5         ``div.bbcode_quote``: ``.bbcode_postedby`` "Originally Posted by
                          <strong>NAME</strong>" with a ``showthread.php?p=N`` link, ``.message``
vBulletin 3               ``div.smallfont`` "Quote:" + ``table td.alt2``; the cell opens with
                          ``<div>Originally Posted by <strong>NAME</strong></div>``
SMF 1 and 2.0             ``div.quoteheader`` "Quote from: NAME on DATE" (a ``msgN`` link) +
                          ``div.quote`` or ``blockquote.bbc_standard_quote``
SMF 2.1, MyBB, phpBB 3    ``blockquote`` opening with a ``<cite>`` ("NAME wrote:", a
                          ``viewtopic.php?p=N`` / ``pid=N`` link, ``data-post-id``)
phpBB 2                   ``table``: a header row "NAME wrote:" + ``td.quote``
phpBB 3 subsilver2        ``div.quotetitle`` + ``div.quotecontent``
Invision 4 (3)            ``blockquote.ipsQuote`` (``ipsBlockquote``): ``data-ipsquote-username``,
                          ``data-ipsquote-contentcommentid`` (``data-author``, ``data-cid``)
XMB                       ``table.quote``: ``td.quote`` "Quote: Originally posted by NAME"
                          (``pid=N``) + ``td.quotemessage``
Discourse                 ``aside.quote[data-username][data-post]`` > ``blockquote``
FluxBB/PunBB, uCoz        ``div.quotebox`` > ``cite`` + ``blockquote``; ``div.bbQuoteBlock``
Stack Exchange, HN        Markdown ``blockquote``; lines opening with ``>``
========================  ==================================================================

Attribution lines are recognised in many languages (the engines translate "wrote", "said",
"Quote" and "Originally Posted by"); the words below are the ones the engines' language packs
use, lower-case.
"""

from __future__ import annotations

# --- Wrappers ---------------------------------------------------------------------------------

#: Elements that wrap a whole post body. They are walked through, never read as a quote, even
#: when they are a ``<blockquote>``: XenForo 1 ``blockquote.messageText``, vBulletin 4
#: ``blockquote.postcontent`` (``blogcontent`` on blogs), XenForo 2 ``.bbWrapper``, vBulletin 5
#: ``.js-post__content-text``, Discourse ``.cooked``, Invision ``.ipsType_richText``, MyBB
#: ``.post_body``, phpBB ``.postbody``.
BODY_WRAPPER_CLASSES = frozenset(
    {
        "messageText", "postcontent", "blogcontent", "bbWrapper", "js-post__content-text",
        "cooked", "ipsType_richText", "post_body", "postbody", "SelectQuoteContainer",
    }
)  # fmt: skip

# --- Chrome -----------------------------------------------------------------------------------

#: Elements that are not the author's words: quote titles and headers, "Click to expand",
#: signatures, edit notes, spoilers, attachment boxes, code-box labels. Dropped with their content.
DROP_CLASSES = frozenset(
    {
        # XenForo 2
        "bbCodeBlock-title", "bbCodeBlock-expandLink", "js-selectToQuoteEnd", "message-lastEdit",
        "message-signature", "js-extraPhrases", "bbCodeSpoiler", "bbCodeInlineSpoiler",
        "bbCodeSpoiler-button", "bbCodeSpoiler-content",
        # XenForo 1
        "quoteExpand", "attribution", "messageTextEndMarker", "bbCodeSpoilerContainer",
        "editDate",
        # Invision
        "ipsQuote_citation", "ipsSpoiler", "ipsAttachLink", "ipsRichEmbed", "citation",
        # Discourse
        "quote-controls", "spoiled",
        # vBulletin
        "bbcode_description", "bbcode_postedby", "bbcode_quote_container", "signaturecontainer",
        "sphide", "attachments", "lastedited",
        # SMF
        "quoteheader", "quotefooter", "codeheader", "topslice_quote", "botslice_quote",
        # phpBB
        "quotetitle", "codetitle", "attachbox", "inline-attachment", "notice",
        # XMB
        "sig",
        # uCoz
        "bbQuoteName",
        # Stack Exchange: the closed, locked, duplicate and protected notices
        "post-notice", "js-post-notice",
        # many engines and add-ons: Cloudflare's hidden e-mail address, "[email protected]";
        # XenForo 2's image zoom button
        "signature", "spoiler", "post-signature", "responsive-hide", "__cf_email__",
        "lbContainer-zoomer",
    }
)  # fmt: skip

#: Block elements that sit inside a line of text and must not break it: XenForo 2 wraps an
#: inline image (a smiley uploaded as an image) in ``div.lbContainer--inline``.
INLINE_CLASSES = frozenset({"lbContainer--inline"})

#: Quote headers written as the element *before* the quoted passage (SMF 1 and 2.0, phpBB 3
#: subsilver2, Invision 3); the passage element reads its attribution from them.
HEADER_CLASSES = frozenset({"quoteheader", "quotetitle", "citation"})

# --- Quotes -----------------------------------------------------------------------------------

#: Class names that make an element a quote, whatever its tag (see the module table).
#: ``quote`` alone is ambiguous and decided by tag and neighbours; ``uncited`` is phpBB's quote
#: without a name.
QUOTE_CLASSES = frozenset(
    {
        "bbCodeBlock--quote", "bbCodeQuote", "ipsQuote", "ipsBlockquote", "bbcode_quote",
        "bbc_standard_quote", "bbc_alternate_quote", "mycode_quote", "quotebox", "quotecontent",
        "bbQuoteBlock", "uncited", "quote",
    }
)  # fmt: skip

#: Attributes of a quote element that name the quoted author, in order of preference.
AUTHOR_ATTRIBUTES = (
    "data-quote",  # XenForo 2
    "data-author",  # XenForo 1, Invision 3
    "data-ipsquote-username",  # Invision 4
    "data-username",  # Discourse
    "data-cite",  # Invision 4 (older posts)
)
#: Attributes of a quote element that name the quoted post.
POST_ID_ATTRIBUTES = (
    "data-source",  # XenForo 2: "post: 123"
    "data-ipsquote-contentcommentid",  # Invision 4
    "data-cid",  # Invision 3
    "data-post-id",  # phpBB 3.2+ (on the cite's link)
    "data-post",  # Discourse (the post number)
)

# --- Attribution words ------------------------------------------------------------------------

#: "NAME wrote:" / "NAME said:" in the languages forum language packs cover.
WROTE_WORDS = (
    "wrote", "writes", "said", "says", "posted",
    "schrieb", "hat geschrieben", "sagte", "meinte",
    "a écrit", "écrit", "a dit",
    "escribió", "ha escrito", "dijo",
    "ha scritto", "scrive", "ha detto",
    "escreveu", "disse",
    "schreef", "heeft geschreven", "zei",
    "napisał(a)", "napisał", "napisała", "pisze", "powiedział",
    "napsal(a)", "napsal", "napsala", "píše", "řekl",
    "napísal(a)", "napísal", "napísala",
    "писал(а)", "писал", "писала", "написал(а)", "написал", "написала", "пишет",
    "сказал(а)", "сказал", "сказала", "написав", "написала", "пише", "сказав",
    "skrev", "sa", "sagde", "sade",
    "kirjoitti", "sanoi",
    "írta", "mondta",
    "a scris", "scrie", "a spus",
    "yazdı", "dedi",
    "έγραψε", "είπε",
    "написа", "каза",
    "je napisao", "napisao", "napisala", "je napisal", "rekao",
    "rašė", "rakstīja", "kirjutas",
    "đã viết", "viết",
    "menulis", "berkata",
    "写道", "寫道", "说", "說", "書きました", "님이 작성",
    "כתב", "كتب",
)  # fmt: skip

#: "Quote" / "Quote from" headers (SMF "Quote from: NAME on DATE", MyBB "Quote:", vBulletin 3
#: "Quote:", XMB "Quote:").
QUOTE_WORDS = (
    "quote", "quote from", "quoting",
    "zitat", "zitat von",
    "citation", "citation de",
    "cita", "cita de", "citar",
    "citazione", "citazione di", "cita di",
    "citação", "citação de", "citar",
    "citaat", "citaat van",
    "cytat", "cytuj", "cytat od",
    "citace", "citát", "citát od",
    "цитата", "цитата от", "цитата сообщения", "цитировать", "цитата від",
    "citat", "citat från", "sitat", "lainaus",
    "idézet", "alıntı", "citat de la",
    "παράθεση", "цитат",
    "trích dẫn", "kutipan",
    "引用", "인용", "ציטוט", "اقتباس",
)  # fmt: skip

#: "Originally Posted by NAME" (vBulletin, XMB) and its translations.
POSTED_BY_WORDS = (
    "originally posted by", "quote originally posted by", "posted by", "originally written by",
    "сообщение от", "первоначально написано", "оригинальное сообщение от", "повідомлення від",
    "zitat von", "ursprünglich geschrieben von", "original geschrieben von",
    "citation de", "message d'origine de", "posté par",
    "mensaje original de", "originalmente escrito por", "publicado originalmente por",
    "originalmente postado por", "postado originalmente por",
    "messaggio originale di", "originariamente inviato da", "inviato da",
    "oorspronkelijk geplaatst door", "origineel geplaatst door",
    "oryginalnie napisane przez", "napisane przez",
    "původně odeslal", "původně napsal",
    "ursprungligen postat av", "oprindeligt skrevet af", "opprinnelig skrevet av",
    "skrevet av", "skrevet af", "skrivet av",
    "eredetileg írta", "alkuperäinen kirjoittaja", "orijinal mesajı gönderen",
    "原帖由", "引用元",
)  # fmt: skip

#: The word between the name and the date in "Quote from: NAME on DATE" / "NAME, on DATE, said:".
#: Time connectors ("at", "um", "à", "в") are left out: a date follows the word, so the name
#: ends at the first of these words that a date (a number, a month and a number, "Today")
#: follows.
ON_WORDS = (
    "on", "am", "le", "el", "en", "il", "op", "em", "dnia", "dne", "от", "på", "den", "di", "de",
)  # fmt: skip
#: Words for today and yesterday that stand in for a date ("Quote from: NAME on Today at 10:15").
RELATIVE_DAY_WORDS = (
    "today", "yesterday", "heute", "gestern", "aujourd'hui", "hier", "hoy", "ayer", "oggi",
    "ieri", "dzisiaj", "wczoraj", "сегодня", "вчера", "vandaag", "gisteren", "hoje", "ontem",
    "dnes", "včera", "idag", "igår",
)  # fmt: skip

# --- Smilies and emoji ------------------------------------------------------------------------

#: Class names (lower-cased prefixes) of smiley and emoji images: XenForo ``smilie``
#: (``smilie--sprite``, ``smilie--emoji``), XenForo 1 ``mceSmilie``, phpBB ``smilies``, SMF 2
#: ``smiley``, Discourse and WordPress ``emoji`` / ``wp-smiley``, ``emoticon``.
SMILEY_CLASS_PREFIXES = ("smilie", "smiley", "emoji", "emoticon", "mcesmilie", "wp-smiley", "ipsemoji")
#: Attributes only smiley images carry: Invision ``data-emoticon``, XenForo ``data-shortname``.
SMILEY_ATTRIBUTES = ("data-emoticon", "data-shortname", "data-emoji")
#: Path parts of smiley image files: SMF ``Smileys/``, phpBB/vBulletin/XMB ``images/smilies/``,
#: Invision ``emoticons/``, emoji sets (Twemoji, also from a CDN's ``twemoji@VERSION/``, JoyPixels,
#: EmojiOne, Facebook ``emoji.php``).
SMILEY_PATH_PARTS = (
    "/smilies/", "/smileys/", "/smiles/", "/smiley/", "/emoticons/", "/emoticon/", "/emoji/",
    "/emojis/", "emoji.php", "/twemoji/", "/twemoji@", "/joypixels/", "/emojione/",
)  # fmt: skip

#: What the author typed for the default smilies of the engines, by image file name (without
#: extension and without phpBB's ``icon_`` / ``icon_e_`` prefix). Used when the image's ``alt``
#: is empty or a description ("Cheesy") rather than the code. Sources: the default smiley sets
#: of SMF, phpBB 3, vBulletin, XMB and MyBB.
SMILEY_CODES = {
    "smile": ":)", "smiley": ":)", "happy": ":)", "wink": ";)", "biggrin": ":D",
    "cheesy": ":D", "grin": ":D", "laugh": ":D", "lol": ":lol:", "sad": ":(", "frown": ":(",
    "cry": ":'(", "crying": ":'(", "angry": ">:(", "mad": ":mad:", "tongue": ":P", "razz": ":P",
    "shocked": ":o", "surprised": ":o", "eek": ":eek:", "redface": ":oops:",
    "embarrassed": ":-[", "oops": ":oops:", "confused": ":confused:", "huh": "???",
    "rolleyes": ":rolleyes:", "roll": ":roll:", "cool": "8)", "neutral": ":|",
    "undecided": ":-\\", "kiss": ":-*", "lipsrsealed": ":-X", "evil": ">:D",
    "twisted": ":twisted:", "azn": "^-^", "angel": "O:-)", "sick": ":sick:",
    "thumbsup": ":thumbsup:", "thumbup": ":thumbup:",
    "thumbsdown": ":thumbsdown:", "idea": ":idea:", "question": ":?:", "exclaim": ":!:",
    "mrgreen": ":mrgreen:", "arrow": ":arrow:", "wub": ":wub:", "unsure": ":unsure:",
    "dry": "<_<", "blink": ":blink:", "ohmy": ":o", "tongue2": ":P", "wacko": ":wacko:",
    "sleep": ":sleep:", "sleepy": ":sleepy:", "devil": ">:D", "heart": "<3",
}  # fmt: skip
