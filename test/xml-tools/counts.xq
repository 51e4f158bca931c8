(: XPath over every document of a folder (Saxon-HE): one line per document,
   its file name, count(//part) and count(//header), tab-separated. :)
declare namespace x = "urn:xmpp:xmime:0";
declare variable $dir as xs:string external;
string-join(
  for $d in collection('file://' || $dir || '/?select=*.xml')
  return string-join((tokenize(document-uri($d), '/')[last()], string(count($d//x:part)), string(count($d//x:header))), '&#9;'),
  '&#10;')
