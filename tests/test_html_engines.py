"""Post bodies of each forum engine: wrappers, quotes and their attribution, chrome, smilies.

Every snippet below is authored for this project (our own words) with the markup the engine's
templates write, so each rule is checked against the engine's structure rather than a
particular forum's text.
"""

from __future__ import annotations

import doctest

import pytest

from discourse.ingest import html_attribution, html_quotes, html_text, smilies, xenforo_html
from discourse.ingest.html_text import HtmlText, html_to_text
from discourse.quotes import remove_spans


def quoted(result: HtmlText) -> list[tuple[str, str | None, str | None]]:
    """(passage, quoted post id, quoted author) of every quote span, in order."""
    text = result.text
    return [(text[q.start : q.end], q.quoted_post_id, q.quoted_author) for q in result.quotes]


def own_text(result: HtmlText) -> str:
    """The text without its quote spans: the author's own words."""
    return remove_spans(result.text, [(q.start, q.end) for q in result.quotes])


# --- XenForo ----------------------------------------------------------------------------------

XENFORO2_DIV_QUOTE = """
<div class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote">
  <div class="bbCodeBlock-title">
    <a href="/goto/post?id=501" class="bbCodeBlock-sourceJump" data-xf-click="attribution"
       data-content-selector="#post-501">Marta napisał(a):</a>
  </div>
  <div class="bbCodeBlock-content">
    <div class="bbCodeBlock-expandContent">How long is the layout going to be?</div>
    <div class="bbCodeBlock-expandLink"><a>Kliknij by rozszerzyć..</a></div>
  </div>
</div>About forty metres <img src="data:image/gif;base64,R0lGODlhAQABAIAAAP"
  class="smilie smilie--sprite smilie--sprite2" alt=";)" title="Wink ;)" />
<img class="smilie smilie--emoji" alt="🚂" src="https://cdn.example.org/emoji/64/1f682.png"
  data-shortname=":steam_locomotive:" />
"""


def test_xenforo2_quote_without_data_source_takes_author_and_id_from_its_title() -> None:
    result = html_to_text(XENFORO2_DIV_QUOTE)
    assert quoted(result) == [("How long is the layout going to be?", "501", "Marta")]
    assert own_text(result) == "About forty metres ;) 🚂"
    assert "napisał" not in result.text and "rozszerzyć" not in result.text


def test_xenforo2_nested_quotes_give_nested_spans() -> None:
    markup = """
    <blockquote data-quote="Oskar" data-source="post: 12" class="bbCodeBlock bbCodeBlock--quote">
      <div class="bbCodeBlock-title">Oskar said:</div>
      <div class="bbCodeBlock-content"><div class="bbCodeBlock-expandContent">
        <blockquote data-quote="Pia" data-source="post: 7" class="bbCodeBlock bbCodeBlock--quote">
          <div class="bbCodeBlock-title">Pia said:</div>
          <div class="bbCodeBlock-content"><div class="bbCodeBlock-expandContent">
            Rain again.</div></div>
        </blockquote>
        Bring a coat.
      </div><div class="bbCodeBlock-expandLink"><a>Click to expand...</a></div></div>
    </blockquote>
    Both of you worry too much.
    <div class="bbCodeBlock bbCodeBlock--code"><div class="bbCodeBlock-title">Code:</div>
      <div class="bbCodeBlock-content"><pre class="bbCodeCode"><code>x = 1</code></pre></div></div>
    <div class="bbCodeSpoiler"><button class="bbCodeSpoiler-button">Spoiler</button>
      <div class="bbCodeSpoiler-content">The butler did it.</div></div>
    """
    result = html_to_text(markup)
    assert quoted(result) == [
        ("Rain again.\n\nBring a coat.", "12", "Oskar"),
        ("Rain again.", "7", "Pia"),
    ]
    assert own_text(result) == "Both of you worry too much.\n\nx = 1"


def test_xenforo1_body_wrapper_is_not_a_quote() -> None:
    markup = """<blockquote class="messageText SelectQuoteContainer ugc baseHtml">
      <div class="bbCodeBlock bbCodeQuote" data-author="Lotte">
        <aside>
          <div class="attribution type">Lotte said:
            <a href="goto/post?id=9031#post-9031" class="AttributionLink">&uarr;</a></div>
          <blockquote class="quoteContainer"><div class="quote">The aviary is closed.</div>
            <div class="quoteExpand">Click to expand...</div></blockquote>
        </aside>
      </div>It opens again in spring. <img src="styles/default/xenforo/clear.png"
        class="mceSmilieSprite mceSmilie7" alt=":p" title="Stick Out Tongue :p" />
      <div class="messageTextEndMarker">&nbsp;</div>
    </blockquote>"""
    result = html_to_text(markup)
    assert quoted(result) == [("The aviary is closed.", "9031", "Lotte")]
    assert own_text(result) == "It opens again in spring. :p"


def test_xenforo1_post_without_quotes_keeps_its_words() -> None:
    markup = """<blockquote class="messageText SelectQuoteContainer ugc baseHtml">
      Does anyone still have the old brochure?<br /><br />Thanks.
      <div class="messageTextEndMarker">&nbsp;</div></blockquote>"""
    result = html_to_text(markup)
    assert result.quotes == []
    assert result.text == "Does anyone still have the old brochure?\n\nThanks."


# --- vBulletin --------------------------------------------------------------------------------

VBULLETIN4 = """
<blockquote class="postcontent restore ">
  <div style="float:right;"><script type="text/javascript">ad_slot = 1;</script></div>
  <!-- BEGIN TEMPLATE: bbcode_quote -->
  <div class="bbcode_container"><div class="bbcode_quote">
    <div class="quote_container"><div class="bbcode_quote_container"></div>
      <div class="bbcode_postedby"><img src="images/misc/quote_icon.png" alt="Quote" />
        Originally Posted by <strong>Rafe</strong>
        <a href="showthread.php?p=812#post812" rel="nofollow"><img class="inlineimg"
          src="images/buttons/viewpost-right.png" alt="View Post" /></a></div>
      <div class="message">Use a lookup table for that.</div>
    </div></div></div>
  <!-- END TEMPLATE: bbcode_quote -->I tried, it still fails <img
    src="https://forum.example.com/images/smilies/confused.gif" border="0" alt=""
    title="Confused" class="inlineimg" />
  <div class="bbcode_container"><div class="bbcode_description">Code:</div>
    <pre class="bbcode_code">=SUM(A1:A3)</pre></div>
</blockquote>"""


def test_vbulletin4_postcontent_wrapper_and_postedby_quote() -> None:
    result = html_to_text(VBULLETIN4)
    assert quoted(result) == [("Use a lookup table for that.", "812", "Rafe")]
    assert own_text(result) == "I tried, it still fails :confused:\n\n=SUM(A1:A3)"
    assert "Originally" not in result.text and "Code:" not in result.text


def test_vbulletin4_quote_without_a_name() -> None:
    markup = """<blockquote class="postcontent restore"><div class="bbcode_container">
      <div class="bbcode_quote"><div class="quote_container">
        <div class="bbcode_quote_container"></div>Plain quoted words.</div></div></div>
      My reply.</blockquote>"""
    result = html_to_text(markup)
    assert quoted(result) == [("Plain quoted words.", None, None)]
    assert own_text(result) == "My reply."


def test_vbulletin5_quote() -> None:
    markup = """<div class="bbcode_container"><div class="bbcode_quote">
      <div class="quote_container">
        <div class="bbcode_quote_container b-icon b-icon__ldquo-l--gray"></div>
        <div class="bbcode_postedby">Originally posted by <strong>Nadia</strong>
          <a href="https://forum.example.com/forum/garden/1234-roses?p=5678#post5678"
             rel="nofollow"><span class="b-icon b-icon__arrow-right"></span></a></div>
        <div class="message">Prune them in March.</div></div></div></div>
      February worked for me."""
    result = html_to_text(markup)
    assert quoted(result) == [("Prune them in March.", "5678", "Nadia")]
    assert own_text(result) == "February worked for me."


VBULLETIN3 = """
<!-- BEGIN TEMPLATE: bbcode_quote -->
<div style="margin:20px; margin-top:5px; ">
  <div class="smallfont" style="margin-bottom:2px">Цитата:</div>
  <table cellpadding="6" cellspacing="0" border="0" width="100%"><tr>
    <td class="alt2" style="border:1px inset">
      <div>Сообщение от <strong>Ines</strong>
        <a href="showthread.php?s=abc&amp;p=77#post77" rel="nofollow"><img class="inlineimg"
          src="images/buttons/viewpost.gif" border="0" alt="Посмотреть сообщение" /></a></div>
      <div style="font-style:italic">The engine note is wrong.</div>
    </td></tr></table>
</div>
<!-- END TEMPLATE: bbcode_quote -->It matches the manual <img
  src="https://forum.example.com/images/smilies/grin.gif" border="0" alt="" title="biggrin"
  class="inlineimg" /><br />
<div style="margin:20px; margin-top:5px; ">
  <div class="smallfont" style="margin-bottom:2px">Цитата:</div>
  <table cellpadding="6" cellspacing="0" border="0" width="100%"><tr>
    <td class="alt2" style="border:1px inset">A quote with no name.</td></tr></table>
</div>
<div class="spoiler"><h2>Show</h2><div>Hidden notes.</div></div><div class="sphide">[hide]</div>
"""


def test_vbulletin3_table_quotes_in_another_language() -> None:
    result = html_to_text(VBULLETIN3)
    assert quoted(result) == [
        ("The engine note is wrong.", "77", "Ines"),
        ("A quote with no name.", None, None),
    ]
    assert own_text(result) == "It matches the manual :D"
    assert "Цитата" not in result.text and "Сообщение" not in result.text


# --- SMF ----------------------------------------------------------------------------------------


def test_smf1_quoteheader_names_the_author_and_the_message() -> None:
    markup = (
        '<div class="quoteheader"><a href="https://board.example.org/index.php?topic=40.msg912'
        '#msg912">Quote from: Tomek Nowak on May 28, 2014, 09:59:05 pm</a></div>'
        '<div class="quote">The narrow gauge line reopens.<br /></div>Good news '
        '<img src="https://board.example.org/Smileys/default/cheesy.gif" alt="" border="0" />'
        '<br /><div class="quoteheader">Cytuj</div><div class="quote">Is there a map?</div>'
        "Not yet."
    )
    result = html_to_text(markup)
    assert quoted(result) == [
        ("The narrow gauge line reopens.", "912", "Tomek Nowak"),
        ("Is there a map?", None, None),
    ]
    assert own_text(result) == "Good news :D\n\nNot yet."


def test_smf2_quoteheader_before_blockquote_and_nested_alternate_quote() -> None:
    footer = '<div class="quotefooter"><div class="botslice_quote"></div></div>'
    markup = (
        '<div class="quoteheader"><div class="topslice_quote"><a href="https://smf.example.net/'
        'index.php?topic=5.msg60#msg60">Zitat von: Jonas am 3. Mai 2014, 10:15:00</a></div></div>'
        '<blockquote class="bbc_standard_quote">Outer words.<br />'
        '<div class="quoteheader"><div class="topslice_quote">Quote</div></div>'
        f'<blockquote class="bbc_alternate_quote">Inner words.</blockquote>{footer}</blockquote>'
        f'{footer}<br />Fine by me <img src="https://smf.example.net/Smileys/default/tongue.gif"'
        ' alt="&#58;P" title="Tongue" class="smiley" />'
    )
    result = html_to_text(markup)
    assert quoted(result) == [
        ("Outer words.\n\nInner words.", "60", "Jonas"),
        ("Inner words.", None, None),
    ]
    assert own_text(result) == "Fine by me :P"


def test_smf21_cite_inside_the_quote() -> None:
    markup = (
        '<blockquote class="bbc_standard_quote"><cite><a href="https://smf.example.net/'
        'index.php?msg=2046">Quote from: Ana Lima on Today at 10:15:00</a></cite>Ship it.'
        "</blockquote>Agreed."
    )
    result = html_to_text(markup)
    assert quoted(result) == [("Ship it.", "2046", "Ana Lima")]
    assert own_text(result) == "Agreed."


# --- phpBB --------------------------------------------------------------------------------------


def test_phpbb30_localised_cite_and_uncited_quote() -> None:
    markup = """<blockquote><div><cite>Waldo pisze:</cite>Smells like radish.</div></blockquote>
    Mine smells of soap <img class="smilies" src="./images/smilies/icon_e_smile.gif" alt=":)"
      title="Smile"> <br>
    <blockquote class="uncited"><div>An anonymous line.</div></blockquote>
    And this one <img class="smilies" src="./images/smilies/icon_lol.gif" alt=":lol:">"""
    result = html_to_text(markup)
    assert quoted(result) == [
        ("Smells like radish.", None, "Waldo"),
        ("An anonymous line.", None, None),
    ]
    assert own_text(result) == "Mine smells of soap :)\n\nAnd this one :lol:"


def test_phpbb32_cite_with_profile_link_post_link_and_date() -> None:
    markup = """<blockquote cite="./viewtopic.php?p=297120#p297120"><div><cite><a
      href="./memberlist.php?mode=viewprofile&amp;u=35">Evi Dora</a> wrote: <a
      href="./viewtopic.php?p=297120#p297120" data-post-id="297120"
      onclick="if(document.getElementById(hash.substr(1)))href=hash">↑</a><span
      class="responsive-hide">Tue Nov 12, 2024 5:30 am</span></cite>The sprite limit is
      eight.</div></blockquote>Per scanline, yes.
    <dl class="codebox"><dt>Code: <a href="#">Select all</a></dt>
      <dd><code>lda #$08</code></dd></dl>"""
    result = html_to_text(markup)
    assert quoted(result) == [("The sprite limit is eight.", "297120", "Evi Dora")]
    assert own_text(result) == "Per scanline, yes.\n\nlda #$08"


def test_phpbb2_table_quote() -> None:
    markup = """<table width="90%" cellspacing="1" cellpadding="3" border="0" align="center">
      <tr><td><span class="genmed"><b>Mira wrote:</b></span></td></tr>
      <tr><td class="quote">Bring the ladder.</td></tr></table>
      <span class="postbody">Which one?</span>"""
    result = html_to_text(markup)
    assert quoted(result) == [("Bring the ladder.", None, "Mira")]
    assert own_text(result) == "Which one?"


def test_phpbb_subsilver2_quotetitle_and_quotecontent() -> None:
    markup = (
        '<div class="quotetitle">Max писал(а):</div><div class="quotecontent">A question.</div>'
        "An answer."
    )
    result = html_to_text(markup)
    assert quoted(result) == [("A question.", None, "Max")]
    assert own_text(result) == "An answer."


# --- Invision -----------------------------------------------------------------------------------


def test_invision_quote_emoticons_edit_note_and_spoiler() -> None:
    markup = """<blockquote data-ipsquote="" class="ipsQuote" data-ipsquote-contentcommentid="34996"
      data-ipsquote-username="diana" data-cite="diana"><div class="ipsQuote_citation">diana
      said:</div><div class="ipsQuote_contents"><p>Use has_parent here.</p></div></blockquote>
    <p>That works <img data-emoticon="true" src="//forum.example.com/spacer.png" alt=":)"
      data-src="//cdn.example.com/emoticons/default_smile.png"></p>
    <div class="ipsSpoiler" data-ipsspoiler="">
      <div class="ipsSpoiler_header"><span>Spoiler</span></div>
      <div class="ipsSpoiler_contents"><p>Secret.</p></div></div>
    <span class="ipsType_reset ipsType_medium ipsType_light" data-excludequote><strong>Edited
      <time datetime="2013-05-17T00:29:13Z">May 17, 2013</time> by diana</strong></span>"""
    result = html_to_text(markup)
    assert quoted(result) == [("Use has_parent here.", "34996", "diana")]
    assert own_text(result) == "That works :)"


def test_invision3_blockquote_with_citation() -> None:
    markup = """<blockquote class="ipsBlockquote" data-author="Kemal" data-cid="4410"
      data-time="1368627324"><p class="citation">Kemal, on 15 May 2013 - 10:15 AM, said:</p>
      <div class="blockquote"><div class="quote"><p>Ferries run hourly.</p></div></div></blockquote>
    <p>Only in summer.</p>"""
    result = html_to_text(markup)
    assert quoted(result) == [("Ferries run hourly.", "4410", "Kemal")]
    assert own_text(result) == "Only in summer."


# --- XMB ----------------------------------------------------------------------------------------


def test_xmb_quote_table_subject_and_signature() -> None:
    markup = """<font class="subject"> <strong>Re: cobalt salts<br /></strong> </font> <br /><br />
    <font class="mediumtxt"></font> <table align="center" class="quote" cellspacing="0"
      cellpadding="0"><tr><td class="quote">Quote: <a
      href="viewthread.php?tid=9&amp;goto=search&amp;pid=321" rel="nofollow">Originally posted
      by Kofi &nbsp;<img src="images/xpblue/lastpost.gif" border="0" alt="" /></a></td></tr><tr><td class="quotemessage">Try the pottery
      supplier.</td></tr></table><font class="mediumtxt"><br />They only sell in bulk.<img
      src="./images/smilies/wink.gif" style="border:none" alt=";)" /></font> <br /> <div
      class="sig">Signature line</div>"""
    result = html_to_text(markup)
    assert quoted(result) == [("Try the pottery supplier.", "321", "Kofi")]
    assert own_text(result) == "They only sell in bulk. ;)"


def test_xmb_older_quote_with_emphasised_attribution() -> None:
    markup = """<font class="mediumtxt"></font> <table align="center" class="quote"
      cellspacing="0" cellpadding="0"><tr><td class="quote">Quote:</td></tr><tr><td
      class="quotemessage"><em>Originally posted by Ayo</em><br /> Any cheaper source?</td>
      </tr></table><font class="mediumtxt"><br />The hardware store.</font>"""
    result = html_to_text(markup)
    assert quoted(result) == [("Any cheaper source?", None, "Ayo")]
    assert own_text(result) == "The hardware store."


# --- MyBB, FluxBB, uCoz ---------------------------------------------------------------------------


def test_mybb_cite_with_date_and_quick_jump_link() -> None:
    markup = """<blockquote class="mycode_quote"><cite><span> (01-02-2020, 10:00 AM)</span>Noor
      Wrote: <a href="https://mybb.example.com/showthread.php?pid=44#pid44" class="quick_jump">
      </a></cite>Patch released.</blockquote><br />Thanks!"""
    result = html_to_text(markup)
    assert quoted(result) == [("Patch released.", "44", "Noor")]
    assert own_text(result) == "Thanks!"


def test_fluxbb_quotebox() -> None:
    markup = """<div class="quotebox"><cite>Olek wrote:</cite><blockquote><div><p>Server is
      down.</p></div></blockquote></div><p>Back up now.</p>"""
    result = html_to_text(markup)
    assert quoted(result) == [("Server is down.", None, "Olek")]
    assert own_text(result) == "Back up now."


def test_ucoz_quote_block() -> None:
    markup = """<div class="bbQuoteBlock"><div class="bbQuoteName"><b>Lev пишет:</b></div><div
      class="quoteMessage">Tickets are sold out.</div></div>Not at the station."""
    result = html_to_text(markup)
    assert quoted(result) == [("Tickets are sold out.", None, "Lev")]
    assert own_text(result) == "Not at the station."


# --- Discourse, Stack Exchange, Hacker News -------------------------------------------------------


def test_discourse_aside_quote_and_emoji() -> None:
    markup = """<aside class="quote no-group" data-username="kim" data-post="3" data-topic="88">
      <div class="title"><div class="quote-controls"></div>
        <img class="avatar" src="/a.png"> kim:</div>
      <blockquote><p>Release on Friday.</p></blockquote></aside>
      <p>Sounds good <img src="/images/emoji/twitter/slight_smile.png?v=12"
        title=":slight_smile:" class="emoji" alt=":slight_smile:"></p>"""
    result = html_to_text(markup, topic_id="88")
    assert quoted(result) == [("Release on Friday.", "3", "kim")]
    assert own_text(result) == "Sounds good :slight_smile:"


def test_markdown_blockquote_with_a_wrote_paragraph_before_it() -> None:
    markup = """<p>Lena wrote:</p><blockquote><p>The report was published in 2019.</p></blockquote>
      <p>It was revised later.</p><blockquote><p>An unattributed source.</p></blockquote>"""
    result = html_to_text(markup)
    assert quoted(result) == [
        ("The report was published in 2019.", None, "Lena"),
        ("An unattributed source.", None, None),
    ]
    assert own_text(result) == "It was revised later."


def test_paragraph_before_a_blockquote_stays_unless_it_is_an_attribution() -> None:
    markup = """<p>As I wrote</p><blockquote><p>Tides follow the moon.</p></blockquote>
      <p>About the visa:</p><blockquote><p>Apply early.</p></blockquote>"""
    result = html_to_text(markup)
    assert quoted(result) == [("Tides follow the moon.", None, None), ("Apply early.", None, None)]
    assert own_text(result) == "As I wrote\n\nAbout the visa:"


def test_hacker_news_arrow_quotes_outside_code() -> None:
    markup = (
        "&gt; We hire remote engineers.<p>Which time zones?<p>Salary &gt;= $100k, and"
        "<p>&gt;5 years is not a quote.<pre><code>&gt; prompt\n</code></pre>"
    )
    result = html_to_text(markup)
    assert quoted(result) == [("> We hire remote engineers.", None, None)]
    assert ">= $100k" in own_text(result) and ">5 years" in own_text(result)
    assert "> prompt" in own_text(result)


def test_one_line_comment_opening_with_an_arrow_keeps_its_words() -> None:
    result = html_to_text("&gt; The answer says it all. It does not, the sources are thin.")
    assert result.quotes == []
    assert own_text(result) == "> The answer says it all. It does not, the sources are thin."


def test_mail_attribution_above_arrow_quote_is_dropped() -> None:
    markup = """Hi!<br /><br />"Ola" &lt;ola@example.com&gt; wrote in<br />message
      news:abc@example.com...<br />&gt; Got it working.<br />&gt;<br />&gt; Thanks all.<br />
      <br />Glad to hear it."""
    result = html_to_text(markup)
    assert quoted(result) == [("> Got it working.\n>\n> Thanks all.", None, None)]
    assert own_text(result) == "Hi!\n\nGlad to hear it."


@pytest.mark.parametrize(
    ("lead", "cut"),
    [
        ("Bob wrote:", True),
        ("On Monday, Bob Smith wrote:", True),
        ("In article &lt;x1@news.example&gt;, Bob writes:", True),
        ("From the page you posted:", False),  # the author's own words, not a client's line
        ("The readme says:", False),
        ("You said:", False),
        ("Someone here posted:", False),
    ],
)
def test_only_a_line_naming_the_writer_is_cut_above_an_arrow_quote(lead: str, cut: bool) -> None:
    # Guards own words such as "From the page you posted:" against being cut as an attribution.
    result = html_to_text(f"<p>{lead}<p>&gt; a clause they wrote<p>My answer.")
    assert own_text(result) == ("My answer." if cut else f"{html_to_text(lead).text}\n\nMy answer.")


# --- Wrappers and smilies of engines not listed ---------------------------------------------------


def test_unknown_classed_blockquote_holding_the_whole_body_is_a_wrapper() -> None:
    result = html_to_text('<div><blockquote class="post-text">All my own words.</blockquote></div>')
    assert result.quotes == [] and result.text == "All my own words."


def test_lone_plain_blockquote_is_still_a_quote() -> None:
    result = html_to_text("<blockquote>Someone else's words.</blockquote>")
    assert quoted(result) == [("Someone else's words.", None, None)]


@pytest.mark.parametrize(
    ("img", "shown"),
    [
        ('<img class="smilie" alt=":cool:" src="/s/cool.png">', ":cool:"),
        ('<img src="https://x.example/images/smilies/icon_e_wink.gif" alt="">', ";)"),
        ('<img src="https://x.example/Smileys/default/huh.gif" alt="Huh">', "???"),
        ('<img src="https://x.example/emoji/1f1fa-1f1f8.png" alt="">', "\U0001f1fa\U0001f1f8"),
        ('<img class="emoji" src="https://x.example/e.png" alt="😀">', "😀"),
        ('<img src="https://x.example/smilies/party.gif" alt="" title="">', ":party:"),
        ('<img src="https://x.example/images/smilies/shrug.gif" alt="" title="Shrug">', "Shrug"),
    ],
)
def test_smiley_images_become_text(img: str, shown: str) -> None:
    assert html_to_text(f"Well {img} then").text == f"Well {shown} then"


def test_pictures_that_are_not_smilies_are_dropped() -> None:
    markup = '<img src="https://x.example/attachments/face.png" alt="face"> Look at this.'
    assert html_to_text(markup).text == "Look at this."


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Marta wrote:", (True, "Marta")),
        ("Marta a écrit :", (True, "Marta")),
        ("Marta hat geschrieben:", (True, "Marta")),
        ("Marta escribió:", (True, "Marta")),
        ("Marta napsal:", (True, "Marta")),
        ("Marta написал(а):", (True, "Marta")),
        ("Quote:", (True, None)),
        ("Cytat:", (True, None)),
        ("Quote from: Jan de Vries on 12 May 2014, 10:00", (True, "Jan de Vries")),
        ("Cita de: Pablo en Hoy a las 10:15", (True, "Pablo")),
        ("Originally Posted by Sam", (True, "Sam")),
        ("Quote: Originally posted by Sam", (True, "Sam")),
        ("Sam, on 5 May 2013 - 10:15 AM, said:", (True, "Sam")),
        ("小明写道：", (True, "小明")),
        ("I think so.", (False, None)),
        ("Regarding the visa:", (False, None)),
    ],
)
def test_parse_attribution_in_several_languages(line: str, expected: tuple) -> None:
    assert html_quotes.parse_attribution(line) == expected


def test_xenforo_html_re_exports_the_html_helpers() -> None:
    assert xenforo_html.html_to_text is html_text.html_to_text
    assert xenforo_html.clean_line is html_text.clean_line


@pytest.mark.parametrize("module", [html_text, html_attribution, smilies])
def test_docstring_examples(module) -> None:
    failures, _ = doctest.testmod(module)
    assert failures == 0


# --- characters and chrome found in real files --------------------------------------------------


def test_invisible_characters_are_dropped_and_c1_controls_read_as_windows_1252() -> None:
    # Guards own_text against a DEL opening the body, soft hyphens and zero-width spaces that
    # split words for the gazetteer, and the C1 quotes of a windows-1252 page read as Latin-1.
    markup = "\x7fThe Paki\u00adstan\u200b case<br>\x93Neutral\x94 isn\x92t \x81a\ufeff word\u2060."
    assert html_to_text(markup).text == "The Pakistan case\n“Neutral” isn’t a word."
    # zero-width joiners stay: they hold emoji sequences together
    assert html_to_text("Shrug \U0001f937\u200d\u2642\ufe0f").text == "Shrug \U0001f937\u200d\u2642\ufe0f"


def test_inline_image_box_does_not_break_the_line() -> None:
    # Guards XenForo 2's inline lbContainer: a smiley uploaded as an image inside a sentence.
    markup = (
        '<div class="bbWrapper">We agreed <div class=" lbContainer lbContainer--inline">'
        '<div class="lbContainer-zoomer" aria-label="Zoom"></div><picture>'
        '<img class="bbImage" src="https://x.example/smilies/smile.gif" alt="Image"></picture>'
        "</div> in the end.</div>"
    )
    assert html_to_text(markup).text == "We agreed :) in the end."


def test_stack_exchange_notice_and_cloudflare_address_are_not_the_authors_words() -> None:
    markup = (
        '<div><aside class="s-notice s-notice__info post-notice js-post-notice mb16" role="status">'
        "<div><b>Locked</b>. This question is closed to new answers.</div></aside></div>"
        '<p>Write to <a href="/cdn-cgi/l/email-protection#0a"><span class="__cf_email__" '
        'data-cfemail="0a">[email&#160;protected]</span></a> for the archive.</p>'
    )
    assert html_to_text(markup).text == "Write to for the archive."


def test_nordic_quote_attribution_without_originally() -> None:
    # Guards XMB's Norwegian "Sitat: skrevet av NAME": the author is the name alone.
    markup = (
        '<table class="quote"><tr><td class="quote">Sitat: <a href="viewthread.php?tid=4&amp;'
        'goto=search&amp;pid=77">skrevet av Kari &nbsp;<img src="images/t/lastpost.gif" alt=""/>'
        '</a></td></tr><tr><td class="quotemessage">We should stay out of it.</td></tr></table>'
        "I disagree."
    )
    result = html_to_text(markup)
    assert quoted(result) == [("We should stay out of it.", "77", "Kari")]
    assert own_text(result) == "I disagree."
    assert html_quotes.parse_attribution("Sitat: skrivet av Per") == (True, "Per")


def test_invision_twemoji_from_a_cdn_is_an_emoji() -> None:
    markup = (
        'Maybe <img src="https://cdn.example.net/gh/twitter/twemoji@14.0.2/assets/72x72/1f937.png"'
        ' class="ipsEmoji" alt="\U0001f937"> so.'
    )
    assert html_to_text(markup).text == "Maybe \U0001f937 so."


def test_superscript_is_written_as_a_power_and_smf_code_block_keeps_its_own_lines() -> None:
    # Guards "10<sup>19</sup>" read as 1019, and SMF 2.0's inline <code> box gluing words.
    assert html_to_text("About 10<sup>19</sup> tonnes; CH<sub>4</sub>.").text == "About 10^19 tonnes; CH4."
    smf = (
        'We tried<div class="codeheader">Code: <a href="#">[Select]</a></div>'
        '<code class="bbc_code">launch = 1960<br>route = Peshawar</code>and it failed.'
    )
    assert html_to_text(smf).text == "We tried\n\nlaunch = 1960\nroute = Peshawar\n\nand it failed."


def test_phpbb31_codebox_label_paragraph_is_dropped() -> None:
    markup = (
        'Try this.<div class="codebox"><p>Code: <a href="#" onclick="selectCode(this); '
        'return false;">Select all</a></p><pre><code>year = 1954</code></pre></div>'
        '<div class="codebox"><p>A paragraph of words, not a label.</p></div>'
    )
    assert html_to_text(markup).text == "Try this.\n\nyear = 1954\n\nA paragraph of words, not a label."


def test_quote_imported_from_vbulletin_into_xenforo_is_a_quote() -> None:
    # Guards forums moved from vBulletin to XenForo: "Quote:" + div.bbTable one-cell table.
    markup = (
        '<div class="bbWrapper">Quote:<br /><div class="bbTable"><table style="width: 100%">'
        "<tr><td><i>Originally posted by Kari</i><br /><b>Neutral was the better road.</b></td>"
        "</tr></table></div>It was not.</div>"
    )
    result = html_to_text(markup)
    assert quoted(result) == [("Neutral was the better road.", None, "Kari")]
    assert own_text(result) == "It was not."
    # a one-cell table after a line that is not an attribution stays the author's
    table = '<div class="bbWrapper">Our tally:<br /><div class="bbTable"><table><tr><td>Four</td></tr></table></div></div>'
    assert html_to_text(table).text == "Our tally:\n\nFour" and not html_to_text(table).quotes


def test_smiley_before_closing_punctuation_keeps_no_space() -> None:
    markup = 'Fine <img class="smilie" alt=":)" src="/s.png">. And <img class="smilie" alt=":D" src="/s.png"> more'
    assert html_to_text(markup).text == "Fine :). And :D more"


def test_invision_quote_around_a_plain_blockquote_is_one_quote() -> None:
    markup = (
        '<blockquote class="ipsQuote" data-ipsquote=""><div class="ipsQuote_citation"> Quote </div>'
        '<div class="ipsQuote_contents"><p> </p><blockquote style="margin: 0"><p>First line.</p>'
        "<p>Second line.</p></blockquote></div></blockquote>Mine."
    )
    result = html_to_text(markup)
    assert quoted(result) == [("First line.\n\nSecond line.", None, None)]
    assert own_text(result) == "Mine."


def test_invision_edit_note_keeps_the_long_date_only() -> None:
    markup = (
        '<p class="ipsEdited" data-excludequote><strong>Edited <time datetime="2024-05-15T10:00:00Z">'
        '<span class="ipsTime__long">May 15, 2024</span><span class="ipsTime__short">1 yr</span></time>'
        " by kari</strong></p><p>Words.</p>"
    )
    result = html_to_text(markup)
    assert (result.text, result.edit_note) == ("Words.", "Edited May 15, 2024 by kari")
