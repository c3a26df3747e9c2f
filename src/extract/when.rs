//! When the article was published and last modified: the page's sources in
//! order of trust, each read by [`dates`](super::dates).
//!
//! Published: JSON-LD (the article's `datePublished`, `dateCreated`), then
//! microdata, the common meta names, a `<time>` or a date-named element marked
//! as the publication, a `<time>` in the article, any other JSON-LD node, a
//! date in the URL's path, and last a dateline's text near the headline. A
//! modified date never stands in for the published one.

use super::dates::{self, Order, Stamp};
use super::jsonld::JsonLd;
use super::meta::{Meta, Role, SeenDate};

/// Meta names of the publication date, most trusted first (lower case).
const PUBLISHED_META: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "published_time",
    "article.published",
    "datepublished",
    "date_published",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "publicationdate",
    "published-date",
    "pubdate",
    "pub_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "citation_publication_date",
    "citation_online_date",
    "citation_date",
    "prism.publicationdate",
    "originalpublicationdate",
    "original-publish-date",
    "article_date_original",
    "cxenseparse:recs:publishtime",
    "shareaholic:article_published_time",
    "bt:pubdate",
    "rnews:datepublished",
    "creation_date",
];

/// Meta names of a date that may be the publication's (lower case).
const GENERIC_META: &[&str] = &["dc.date", "dcterms.date", "date"];

/// Meta names of the last modification (lower case).
const MODIFIED_META: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "article:updated_time",
    "datemodified",
    "last-modified",
    "lastmod",
    "dc.date.modified",
    "dcterms.modified",
];

/// The page's publication date.
pub(super) fn published(
    meta: &Meta,
    ld: &JsonLd,
    url: Option<&str>,
    order: Order,
) -> Option<Stamp> {
    let parse = |v: &str| dates::parse(v, order).filter(Stamp::plausible);
    let structured = ld
        .published
        .as_deref()
        .and_then(parse)
        .or_else(|| meta.itemprop_date("datePublished").and_then(parse))
        .or_else(|| meta.itemprop_date("dateCreated").and_then(parse))
        .or_else(|| {
            PUBLISHED_META
                .iter()
                .find_map(|k| meta.value(k).and_then(parse))
        });
    if let Some(s) = structured {
        return Some(as_shown(s, || dateline(meta, order)));
    }
    let marked = |d: &&SeenDate| d.role == Role::Published;
    let in_article = |d: &&SeenDate| d.time_tag && d.in_article && d.role != Role::Modified;
    // A machine value more than a day from the date its element shows
    // (`<time datetime="…07-03…">Publié le 29 juin</time>`) is of something
    // else (an indexing, an edit): the reader sees, and cites, the text.
    let value = |d: &SeenDate| {
        let v = d.value.as_deref().and_then(parse)?;
        let shown = d.text.as_deref().and_then(|t| dates::in_text(t, order));
        Some(match shown {
            Some(s) if (s.day_number() - v.day_number()).abs() > 1 => s,
            _ => v,
        })
    };
    urls(meta, ld, url)
        .find_map(dates::in_url)
        .or_else(|| meta.dates.iter().filter(marked).find_map(value))
        .or_else(|| meta.dates.iter().filter(in_article).find_map(value))
        .or_else(|| ld.published_elsewhere.as_deref().and_then(parse))
        .or_else(|| {
            // Generic names (`date`, `DC.date`) say of what only by
            // convention: a dateline shown by the headline on another day is
            // believed first (not a date further down, of something else,
            // unless the value itself may be read two ways: `11/01/2023`).
            let (g, ambiguous) = GENERIC_META.iter().find_map(|k| {
                let v = meta.value(k)?;
                Some((parse(v)?, dates::ambiguous(v)))
            })?;
            let shown = shown_date(meta, order);
            Some(match shown {
                Some((d, near))
                    if d.day_number() != g.day_number()
                        && (near == Near::Headline || ambiguous) =>
                {
                    d
                }
                _ => as_shown(g, || shown.map(|(d, _)| d)),
            })
        })
        .or_else(|| dateline(meta, order))
}

/// A UTC instant in the markup whose day is not the day the page shows
/// (a publisher west or east of Greenwich writing near midnight): the day a
/// reader sees is the one cited. With the shown time, the instant keeps its
/// time and gains the page's offset; without, the shown day is the date.
fn as_shown(s: Stamp, shown: impl FnOnce() -> Option<Stamp>) -> Stamp {
    if s.offset != Some(0) || s.time.is_none() {
        return s;
    }
    let Some(shown) = shown() else {
        return s;
    };
    // Offsets run from -12:00 to +14:00: a day the instant cannot be in
    // anywhere is not the same moment shown.
    let hour = s.time.map_or(0, |(h, _, _)| h);
    match shown.day_number() - s.day_number() {
        1 if hour >= 10 => {}
        -1 if hour < 12 => {}
        _ => return s,
    }
    let Some((h, m, _)) = shown.time.filter(|_| shown.offset.is_none()) else {
        return shown.date_only();
    };
    let (_, _, sec) = s.time.unwrap_or_default();
    let local = Stamp {
        time: Some((h, m, sec)),
        offset: Some(0),
        ..shown
    };
    let minutes = (local.instant_key() - s.instant_key()) / 60;
    if minutes.abs() <= 14 * 60 && minutes % 15 == 0 {
        Stamp {
            offset: Some(minutes as i32),
            ..local
        }
    } else {
        shown.date_only()
    }
}

/// The page's last modification, as it states it.
pub(super) fn modified(meta: &Meta, ld: &JsonLd, order: Order) -> Option<Stamp> {
    let parse = |v: &str| dates::parse(v, order).filter(Stamp::plausible);
    ld.modified
        .as_deref()
        .and_then(parse)
        .or_else(|| meta.itemprop_date("dateModified").and_then(parse))
        .or_else(|| {
            MODIFIED_META
                .iter()
                .find_map(|k| meta.value(k).and_then(parse))
        })
}

/// The URLs the page is known by: the one given, the canonical, og:url.
fn urls<'a>(meta: &'a Meta, ld: &'a JsonLd, url: Option<&'a str>) -> impl Iterator<Item = &'a str> {
    url.into_iter()
        .chain(meta.canonical.as_deref())
        .chain(meta.value("og:url"))
        .chain(ld.url.as_deref())
}

/// A date the page shows: in an element that names a date (by class or id)
/// after the headline, in the text right after the headline, in such an
/// element anywhere, and last in the document's title. Several dates in one
/// dateline ("published …, updated …") give the earliest.
fn dateline(meta: &Meta, order: Order) -> Option<Stamp> {
    shown_date(meta, order).map(|(d, _)| d)
}

/// How close to the headline a shown date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Near {
    /// In the text right under the headline, or the kicker just before it.
    Headline,
    /// Anywhere else: an element further down, a label, the title.
    Elsewhere,
}

/// [`dateline`], with how close to the headline the date is.
fn shown_date(meta: &Meta, order: Order) -> Option<(Stamp, Near)> {
    let shown = |d: &&SeenDate| d.role != Role::Modified;
    let earliest = |text: &str| {
        dates::all_in_text(text, order)
            .into_iter()
            .min_by_key(Stamp::instant_key)
    };
    let read = |d: &SeenDate| d.text.as_deref().and_then(earliest);
    let after_h1 = |d: &&SeenDate| meta.h1_at.is_some_and(|h1| d.at > h1);
    let element = meta
        .dates
        .iter()
        .filter(shown)
        .filter(after_h1)
        .find_map(|d| Some((d.after_h1_at, read(d)?)));
    let text = dates::first_not_modified_where(&meta.after_h1, order, |at| !meta.in_prose(at));
    // The last date written just before the headline (a kicker's date).
    let kicker = || {
        let text = &meta.before_h1;
        let mut from = text.len().saturating_sub(160);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        dates::all_in_text(&text[from..], order).pop()
    };
    // A date-named element after the headline, unless the text right after
    // the headline shows a date before it. An element further down than
    // that text reaches loses to a date under the headline.
    let near = match (element, text) {
        (Some((Some(el_at), _)), Some((text_at, t))) if text_at < el_at => Some(t),
        (Some((Some(_), el)), _) => Some(el),
        (Some((None, _)), Some((_, t))) => Some(t),
        (Some((None, el)), None) => return Some((el, Near::Elsewhere)),
        (None, t) => t.map(|(_, t)| t),
    };
    if let Some(d) = near {
        return Some((d, Near::Headline));
    }
    let elsewhere = meta
        .labelled
        .iter()
        .find_map(|t| dates::first_not_modified(t, order).map(|(_, d)| d))
        .or_else(|| {
            // An element of a list of dated items (three or more of one
            // class, on three or more days) dates another page, not this.
            let mut days: Vec<(&str, i64)> = meta
                .dates
                .iter()
                .filter_map(|d| Some((d.class.as_deref()?, read(d)?.day_number())))
                .collect();
            days.sort_unstable();
            days.dedup();
            let listed = |d: &&SeenDate| {
                d.class
                    .as_deref()
                    .is_some_and(|c| days.iter().filter(|(class, _)| *class == c).count() >= 3)
            };
            meta.dates
                .iter()
                .filter(shown)
                .filter(|d| !listed(d))
                .find_map(read)
        });
    if let Some(d) = elsewhere {
        return Some((d, Near::Elsewhere));
    }
    if let Some(k) = kicker() {
        return Some((k, Near::Headline));
    }
    // A short dateline with a two-digit year (`30.10.23`).
    let short = |d: &SeenDate| d.text.as_deref().and_then(dates::short_year);
    if let Some(d) = meta.dates.iter().filter(shown).find_map(short) {
        return Some((d, Near::Elsewhere));
    }
    // A value only a neutral element gave (a `title` on a date span).
    meta.dates
        .iter()
        .filter(shown)
        .find_map(|d| d.value.as_deref().and_then(|v| dates::parse(v, order)))
        .filter(Stamp::plausible)
        .or_else(|| meta.title.as_deref().and_then(|t| dates::in_text(t, order)))
        .map(|d| (d, Near::Elsewhere))
}

#[cfg(test)]
mod tests {
    fn published(html: &str) -> Option<String> {
        crate::extract::extract(html).expect("extracts").published
    }

    fn modified(html: &str) -> Option<String> {
        crate::extract::extract(html).expect("extracts").modified
    }

    #[test]
    fn a_modified_date_never_stands_in_for_the_published_one() {
        let html = r#"<html><head><meta property="article:modified_time" content="2024-02-03T10:00:00+01:00">
            </head><body><h1>H</h1><p class="updated">Updated 3 February 2024</p></body></html>"#;
        assert_eq!(published(html), None);
        assert_eq!(modified(html).as_deref(), Some("2024-02-03T10:00:00+01:00"));
    }

    #[test]
    fn structured_sources_come_before_what_the_page_shows() {
        let html = r#"<html><head><meta name="parsely-pub-date" content="2024-02-01">
            </head><body><h1>H</h1><p class="date">5 March 2024</p></body></html>"#;
        assert_eq!(published(html).as_deref(), Some("2024-02-01"));
    }

    #[test]
    fn a_page_without_a_headline_takes_no_date_from_its_footer() {
        let html = r#"<html><body><div class="text"><p>Plain words of a page.</p></div>
            <div id="footer"><p>Updated: 2016/11/18 06:31:41</p></div></body></html>"#;
        assert_eq!(published(html), None);
    }

    #[test]
    fn a_generic_date_meta_gives_way_to_the_dateline_shown() {
        let html = r#"<html lang="de"><head><meta name="date" content="2021-10-15"></head>
            <body><h1>Neue Präsidentin</h1><p class="date">13.10.2021</p></body></html>"#;
        assert_eq!(published(html).as_deref(), Some("2021-10-13"));
        let alone = r#"<html><head><meta name="date" content="2021-10-15"></head>
            <body><h1>H</h1></body></html>"#;
        assert_eq!(published(alone).as_deref(), Some("2021-10-15"));
    }

    #[test]
    fn the_dateline_after_the_headline_wins_over_dates_elsewhere() {
        let html = r#"<html lang="de"><body><div class="sidebar"><span class="date">02.01.2020</span></div>
            <h1>Überschrift</h1><p>Von Ana Berg, 19. Oktober 2019, 14:05 Uhr</p>
            <p class="comment-date">20.10.2019</p></body></html>"#;
        assert_eq!(published(html).as_deref(), Some("2019-10-19T14:05:00"));
    }

    #[test]
    fn a_date_right_under_the_headline_beats_a_dated_element_far_below() {
        // The list of other posts far down the page names its dates by
        // class; the article's own date is the line under its headline.
        let prose = "Des mots de l'article, écrits pour ce test. ".repeat(20);
        let html = format!(
            r#"<html lang="fr"><body><h1>Titre</h1><ul><li>27 juin 2019</li><li>Par Elba</li></ul>
            <p>{prose}</p><aside><time class="date" datetime="2019-07-30">30 juil. 2019</time></aside>
            </body></html>"#
        );
        assert_eq!(published(&html).as_deref(), Some("2019-06-27"));
    }

    #[test]
    fn teasers_of_other_stories_do_not_date_the_article() {
        // The article's date is its kicker's; the teasers below are others'.
        let prose = "Worte des Artikels, für diesen Test geschrieben. ".repeat(20);
        let teasers = r#"<div class="teaser"><div class="headline-info"><span class="headline-date">16.02.2022</span></div></div>"#
            .repeat(3);
        let html = format!(
            r#"<html lang="de"><body><div class="headline-info"><span class="headline-category">Pressemitteilung</span>
            <span class="headline-date">02. November 2021</span></div><h1>Überschrift</h1>
            <p>{prose}</p>{teasers}</body></html>"#
        );
        assert_eq!(published(&html).as_deref(), Some("2021-11-02"));
        // A container of the article that only calls itself a teaser type
        // (`teaserTyp3`) is still the article.
        let html = r#"<html lang="de"><body><h1>Seite</h1><div class="teaserTyp3 newsSingle">
            <span class="blue">01.02.2022</span><p>Text.</p></div></body></html>"#;
        assert_eq!(published(html).as_deref(), Some("2022-02-01"));
    }

    #[test]
    fn a_generic_date_meta_is_not_overruled_by_a_date_far_below_the_headline() {
        let prose = "Worte des Artikels, für diesen Test geschrieben. ".repeat(20);
        let html = format!(
            r#"<html lang="de"><head><meta name="date" content="2020-02-11"></head><body>
            <h1>Rioja</h1><p>{prose}</p><ul><li><span class="datum">29.02.2020 18:00 Uhr</span>
            <a href="/v">Weinprobe</a></li></ul></body></html>"#
        );
        assert_eq!(published(&html).as_deref(), Some("2020-02-11"));
        // Unless the value may be read two ways (`11/01/2023`).
        let html = html.replace("2020-02-11", "11/02/2020");
        assert_eq!(published(&html).as_deref(), Some("2020-02-29T18:00:00"));
    }

    #[test]
    fn a_time_whose_value_is_days_from_its_text_gives_the_text() {
        let html = r#"<html lang="fr"><body><article><header><h1>Titre</h1>
            <time datetime="2019-07-03T10:18:46Z">Publié le 29 juin 2019</time></header>
            <p>Texte.</p></article></body></html>"#;
        assert_eq!(published(html).as_deref(), Some("2019-06-29"));
        // A day apart is the same moment seen from another zone: the value.
        let html = html.replace("29 juin", "2 juillet");
        assert_eq!(published(&html).as_deref(), Some("2019-07-03T10:18:46Z"));
    }

    #[test]
    fn a_dateline_with_a_two_digit_year_is_the_last_resort() {
        let html = r#"<html lang="de"><body><div class="date"> Party, 30.10.23 </div>
            <h1>Kostüme</h1><p>Text, am 1.2.3 geschrieben.</p></body></html>"#;
        assert_eq!(published(html).as_deref(), Some("2023-10-30"));
        let four = html.replace("30.10.23", "30.10.2023");
        assert_eq!(published(&four).as_deref(), Some("2023-10-30"));
    }

    #[test]
    fn a_list_of_dated_items_does_not_date_the_page() {
        let list = |days: &[&str]| {
            days.iter()
                .map(|d| {
                    format!(r#"<li><span class="post-date">{d}</span> <a href="/p">Autre</a></li>"#)
                })
                .collect::<String>()
        };
        let prose = "Des mots de l'article, écrits pour ce test. ".repeat(20);
        let page = |items: String| {
            format!(
                r#"<html lang="fr"><body><aside><ul>{items}</ul></aside><div>{prose}</div>
                <h1>Titre</h1><p>{prose}</p></body></html>"#
            )
        };
        let three = page(list(&["09/09/2019", "05/07/2019", "20/06/2019"]));
        assert_eq!(published(&three), None, "a wrong date is worse than none");
        let one = page(list(&["09/09/2019"]));
        assert_eq!(published(&one).as_deref(), Some("2019-09-09"));
    }

    #[test]
    fn indentation_does_not_make_a_dateline_long() {
        let pad = " ".repeat(30);
        let html = format!(
            "<html><body><table><tr><td><b>Headline of the agency</b></td></tr>\
             <tr><td><font>Agency channel ( \n{pad}2012-06-04 09:20:26\n{pad}) </font></td></tr>\
             <tr><td><p>Words of the report, written for this test.</p></td></tr></table></body></html>"
        );
        assert_eq!(published(&html).as_deref(), Some("2012-06-04T09:20:26"));
    }

    #[test]
    fn the_pages_own_image_dates_it_only_when_nothing_else_does() {
        let html = r#"<html><head><meta property="og:image" content="https://x.example/files/2016/05/04/cover.png">
            </head><body><h1>Annual report</h1><p>Words of the report.</p></body></html>"#;
        assert_eq!(published(html).as_deref(), Some("2016-05-04"));
        let dated = html.replace("<p>Words", "<p class=\"date\">9 May 2016</p><p>Words");
        assert_eq!(published(&dated).as_deref(), Some("2016-05-09"));
    }

    #[test]
    fn a_utc_instant_takes_the_day_and_offset_the_page_shows() {
        // 03:28 UTC on the 9th is 22:28 on the 8th in New York, as shown.
        let html = r#"<html lang="en-US"><head>
            <meta property="article:published_time" content="2023-11-09T03:28:35Z"></head>
            <body><h1>H</h1><div class="timestamp">November 8, 2023 10:28pm</div></body></html>"#;
        assert_eq!(
            published(html).as_deref(),
            Some("2023-11-08T22:28:35-05:00")
        );
        let elsewhere = r#"<html><head>
            <meta property="article:published_time" content="2023-11-09T03:28:35Z"></head>
            <body><h1>H</h1></body></html>"#;
        assert_eq!(
            published(elsewhere).as_deref(),
            Some("2023-11-09T03:28:35Z"),
            "kept as written when the page shows no other day"
        );
    }

    #[test]
    fn a_labelled_date_is_read_where_no_element_names_it() {
        let html = r#"<html lang="de"><body><div class="nav"><p>Startseite</p></div>
            <dl><dt>Datum</dt><dd>12.01.2017</dd><dt>Letzte Änderung</dt><dd>03.02.2017</dd></dl>
            <p>Der Text der Meldung beginnt hier und ist lang genug.</p></body></html>"#;
        assert_eq!(published(html).as_deref(), Some("2017-01-12"));
        let modified_first = r#"<html lang="de"><body><p class="foot">Letzte Änderung: 31.10.2023 - 14:49<br>
            Erschienen am: 01.11.2023</p></body></html>"#;
        assert_eq!(published(modified_first).as_deref(), Some("2023-11-01"));
    }

    #[test]
    fn json_ld_of_a_web_page_or_invalid_json_still_gives_the_date() {
        let graph = r#"<html><head><script type="application/ld+json">{"@graph":[
            {"@type":"WebPage","datePublished":"2019-09-17T14:54:31+02:00"}]}</script></head>
            <body><h1>H</h1></body></html>"#;
        assert_eq!(
            published(graph).as_deref(),
            Some("2019-09-17T14:54:31+02:00")
        );
        let broken = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle",
            // a comment
            "datePublished": "2020-10-04T15:05:21+08:00",}</script></head><body><h1>H</h1></body></html>"#;
        assert_eq!(
            published(broken).as_deref(),
            Some("2020-10-04T15:05:21+08:00")
        );
    }

    #[test]
    fn a_caption_under_the_headline_is_not_the_dateline() {
        // The photograph's day in the caption comes first after the headline;
        // the instant keeps the day and offset of the time element.
        let html = r#"<html lang="en-US"><head>
            <meta property="article:published_time" content="2023-11-09T01:09:55+00:00"></head>
            <body><h1>H</h1><figure><figcaption>A player runs, September 29, 2023.</figcaption></figure>
            <div class="time"><time>November 8, 2023 at 6:09 p.m.</time></div></body></html>"#;
        assert_eq!(
            published(html).as_deref(),
            Some("2023-11-08T18:09:55-07:00")
        );
    }

    #[test]
    fn a_date_deep_in_a_sentence_under_the_headline_is_not_the_dateline() {
        // A photograph's caption with no element to say so, then the dateline.
        let caption = r#"<html lang="en"><body><h1>H</h1><div><img src="a.jpg"><br>FILE PHOTO:
            The minister speaks to the crew of a ship in the harbour at Brest, France, March 2, 2021.
            Photo by a staff photographer</div><p>March 4, 2021</p><p>BREST – The text.</p></body></html>"#;
        assert_eq!(published(caption).as_deref(), Some("2021-03-04"));
        // The next meeting in the text, and the page's own date further down.
        let event = r#"<html lang="de"><body><h1>Stammtisch</h1><p>Der nächste Stammtisch findet
            am Mi. 5. Februar 2020 ab 19 Uhr im <a href="/c">Café</a> statt.</p>
            <div class="date">28. Januar 2020</div></body></html>"#;
        assert_eq!(published(event).as_deref(), Some("2020-01-28"));
        // A dateline that opens a long text, or that says it is one, stands.
        let opens = r#"<html lang="de"><body><h1>H</h1><p>Wien, 14. Dezember 2021 – Immer mehr
            Menschen suchen Erholung in der Natur, und die Wege werden voller.</p></body></html>"#;
        assert_eq!(published(opens).as_deref(), Some("2021-12-14"));
        let said = r#"<html><body><h1>H</h1><p>By Ann Example and Bo Sample, Staff Writers |
            Published March 3, 2020 at 10:34 AM</p></body></html>"#;
        assert_eq!(published(said).as_deref(), Some("2020-03-03T10:34:00"));
    }

    #[test]
    fn a_date_in_another_heading_under_the_headline_is_its_subject() {
        // The blog's name is the page's first headline; the post's own
        // headline names the days it reports on.
        let html = r#"<html lang="ja"><body><h1>Racing news every day</h1>
            <h3><a href="/e/1">Winners of the weekend's races (2020/7/11-12, eighteen horses)</a></h3>
            <div class="entry-info"><span class="entry-info-time">2020年07月12日</span></div>
            <p>The text.</p></body></html>"#;
        assert_eq!(published(html).as_deref(), Some("2020-07-12"));
    }

    #[test]
    fn a_teaser_just_before_the_headline_gives_no_kicker_date() {
        let html = r#"<html lang="de"><body><div class="slider"><article class="default-teaser">
            <h2>Andere Geschichte</h2><footer><span class="default-teaser__date">26. Februar 2020</span>
            </footer></article></div><div class="article-header"><a href="/g">Gesellschaft</a>
            <h1>Achtsam</h1></div><p>Der Text.</p></body></html>"#;
        assert_eq!(published(html), None);
        let kicker = r#"<html lang="de"><body><div class="kicker">Gesellschaft, 18. März 2020</div>
            <h1>Achtsam</h1><p>Der Text.</p></body></html>"#;
        assert_eq!(published(kicker).as_deref(), Some("2020-03-18"));
    }

    #[test]
    fn chinese_japanese_and_korean_prose_is_not_a_dateline() {
        // Twenty-odd characters are a whole sentence, not a short dateline.
        let prose = r#"<html lang="zh"><body><div class="para">2019年3月5日，乐队在上海举行了第一场巡回演唱会并发布了新专辑</div></body></html>"#;
        assert_eq!(published(prose), None);
        let dateline =
            r#"<html lang="zh"><body><div class="para">2019年3月5日 10:20</div></body></html>"#;
        assert_eq!(published(dateline).as_deref(), Some("2019-03-05T10:20:00"));
    }

    #[test]
    fn the_time_now_and_a_members_joining_do_not_date_a_thread() {
        // A forum's clock in a date-named element, a member's joining day
        // labelled in the element before it, then the first post's date.
        let html = r#"<html lang="de"><body>
            <p class="time">Aktuelle Zeit: 14.10.2020, 12:18</p>
            <div class="post"><dl><dd><strong>Registriert:</strong> 18.09.2008, 05:56</dd></dl>
            <p><span>von</span> <b>r23</b> 21.01.2009, 05:42</p>
            <div>Was ist Freie Software und warum ist sie wichtig?</div></div></body></html>"#;
        assert_eq!(published(html).as_deref(), Some("2009-01-21T05:42:00"));
        let english = r#"<html lang="en"><body><p>It is currently Tue Mar 03, 2020 10:00 am</p>
            <p><span>Joined:</span> Mar 3, 2011</p></body></html>"#;
        assert_eq!(published(english), None);
    }

    #[test]
    fn a_list_of_dated_things_does_not_date_the_page() {
        // A singer's tours in a table, each row a year, one of them a day.
        let html = r#"<html lang="zh"><body><table>
            <tr><td>2008</td><td>Tour one</td></tr>
            <tr><td><ul><li><span>2014-8-9</span><span>Kaohsiung</span></li></ul></td></tr>
            <tr><td>2016</td><td>Tour two</td></tr></table></body></html>"#;
        assert_eq!(published(html), None);
        // A page laid out in a table: the dateline's row is next to the
        // article's, long, with years in it.
        let laid_out = r#"<html lang="zh"><body><table><tr><td>新华网 ( 2012-06-04 09:20:26 )</td></tr>
            <tr><td><p>The council met in 2011 and again in 2012 to agree the plan for the new
            harbour wall, which the province will pay for over the next ten years, starting with
            the stretch nearest the old town.</p></td></tr></table></body></html>"#;
        assert_eq!(published(laid_out).as_deref(), Some("2012-06-04T09:20:26"));
        // A dateline in a list of its own words is still one.
        let meta = r#"<html lang="en"><body><ul class="post-info"><li>Ann Example</li>
            <li>3 March 2020</li><li>Politics</li></ul></body></html>"#;
        assert_eq!(published(meta).as_deref(), Some("2020-03-03"));
    }

    #[test]
    fn an_element_named_as_a_modification_is_no_last_resort_dateline() {
        let html = r#"<html lang="zh"><body><ul><li><span>最近更新：</span>
            <span class="j-modified-time">（2020-02-14）</span></li></ul></body></html>"#;
        assert_eq!(published(html), None);
    }

    #[test]
    fn a_short_dateline_anywhere_is_the_last_resort_and_prose_is_not() {
        let html = r#"<html lang="de"><body><div><b>Schwimmen</b><br>
            <span class="blue">01.02.2022</span></div><p>Der Text beginnt hier.</p></body></html>"#;
        assert_eq!(published(html).as_deref(), Some("2022-02-01"));
        let said = r#"<html lang="de"><body><p><small>Dieser Beitrag wurde am Samstag,
            3. Dezember 2011 um 10:00 Uhr veröffentlicht und unter Allgemein abgelegt.</small></p></body></html>"#;
        assert_eq!(published(said).as_deref(), Some("2011-12-03T10:00:00"));
        let prose = r#"<html><body><p>The survey was taken between 2 March 2021 and the end
            of that summer, when the last answers came in.</p>
            <ul><li><a href="/older">12 January 2020</a></li></ul>
            <aside><p>3 May 2019</p></aside></body></html>"#;
        assert_eq!(published(prose), None);
    }

    #[test]
    fn readers_comments_dates_are_not_the_articles() {
        let html = r#"<html><head><meta property="article:published_time" content="2015-12-12T05:00:37+00:00">
            </head><body><h1>H</h1><p>Text of the post.</p><ol class="commentlist"><li>
            <div class="comment-meta"><time pubdate datetime="2015-12-13T01:10:03+01:00">13 December 2015</time></div>
            </li></ol></body></html>"#;
        // 05:00 UTC cannot be the 13th anywhere, and a comment is no dateline.
        assert_eq!(published(html).as_deref(), Some("2015-12-12T05:00:37Z"));
        let opinion = r#"<html lang="de"><body><h1>Kommentar</h1>
            <div class="ArticleHeaderComment_date"><span>29. Januar 2019</span></div>
            <div class="comments"><span class="date">30. Januar 2019</span></div></body></html>"#;
        assert_eq!(published(opinion).as_deref(), Some("2019-01-29"));
    }
}
