(:
  A report over a folder of XMIME documents, in XQuery 3.1 for BaseX:
  the ten largest attachments, and mail per sender per month.

    mkdir xml && for f in mail/*.eml; do xmime encode "$f" -o "xml/$(basename "$f" .eml).xml"; done
    basex -b dir=xml examples/xml-tools/mail-report.xq

  Sizes are the decoded bytes of base64 bodies (a long body is in several
  <body> pieces, spec §9.7.1: string-join joins them), else the body's
  characters, a line break counted as its line ending's bytes.
:)
declare default element namespace "urn:xmpp:xmime:0";
(: BaseX 9 trims leading and trailing white space of text nodes unless told not to. :)
declare option db:chop "false";
declare variable $dir as xs:string external := "xml";

declare function local:field($entity as element(), $name as xs:string) as element(header)? {
  $entity/headers/header[lower-case(@name) = $name][1]
};

declare function local:size($part as element()) as xs:integer {
  let $cte := lower-case(normalize-space(local:field($part, "content-transfer-encoding")))
  let $data := string-join(($part/body, $part/text))
  (: A line feed stands for the document's line ending: CR LF unless eol="lf". :)
  let $eol := if ($part/ancestor::mime[last()]/@eol = "lf") then 1 else 2
  return if ($cte = "base64")
    then string-length(replace($data, "[\s=&#xF70D;]", "")) * 3 idiv 4
    else string-length($data) + (string-length($data) - string-length(translate($data, "&#10;", ""))) * ($eol - 1)
};

let $mails := collection($dir)/mime
let $attachments :=
  for $part in $mails//part[body or text]
  let $type := string(local:field($part, "content-type")/media/@value)
  where local:field($part, "content-disposition")/media/@value = "attachment"
     or not(starts-with($type, "text/") or $type = "")
  return map {
    "name": string((local:field($part, "content-disposition")/media/param[@name = "filename"],
                    local:field($part, "content-type")/media/param[@name = "name"], "(unnamed)")[1]),
    "type": $type,
    "size": local:size($part),
    "subject": string(local:field($part/ancestor::mime, "subject")/decoded)
  }
return (
  "Ten largest attachments:",
  (for $a in $attachments order by $a?size descending, $a?name return
     "  " || $a?size || "  " || $a?name || "  " || $a?type || "  (" || $a?subject || ")")[position() le 10],
  "Mail per sender per month:",
  for $m in $mails
  let $from := string((local:field($m, "from")//mailbox/@addr)[1])
  let $month := substring(string(local:field($m, "date")/date), 1, 7)
  group by $from, $month
  order by $month, $from
  return "  " || $month || "  " || $from || "  " || count($m)
)
