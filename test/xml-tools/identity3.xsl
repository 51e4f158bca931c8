<?xml version="1.0"?>
<!-- The identity transform in XSLT 3.0 (Saxon-HE): every node is copied by the built-in shallow copy. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:mode on-no-match="shallow-copy"/>
</xsl:stylesheet>
