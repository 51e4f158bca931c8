<?xml version="1.0" encoding="UTF-8"?>
<!--
  XMIME to a readable HTML page, in XSLT 1.0 (xsltproc, browsers' XSLTProcessor).

    xmime encode mail.eml -o mail.xml && xsltproc examples/xml-tools/mail.xsl mail.xml > mail.html

  Shows the main header fields (decoded), each text/plain part as text, each
  text/html part in a sandboxed frame (no scripts, no network: mail HTML is
  untrusted), nested messages, and a table of attachments with their media
  type and size. Sizes are exact for base64 bodies (the decoded bytes); for
  other bodies they count characters, a line break as its line ending's bytes.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:x="urn:xmpp:xmime:0"
    exclude-result-prefixes="x">

  <xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat"/>

  <xsl:variable name="UPPER" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"/>
  <xsl:variable name="LOWER" select="'abcdefghijklmnopqrstuvwxyz'"/>
  <!-- A line feed in leaf text stands for CR LF unless the document is eol="lf". -->
  <xsl:variable name="lf-bytes" select="1 + number(not(/x:mime/@eol = 'lf'))"/>

  <!-- Entities: the message, its parts and nested messages. -->
  <xsl:variable name="entities" select="//x:mime | //x:part | //x:message"/>

  <xsl:template match="/x:mime">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <title><xsl:call-template name="subject"/></title>
        <style>
          body { font: 15px/1.45 system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; color: #222; }
          h1 { font-size: 1.4rem; margin: 0 0 .8rem; }
          table.headers th { text-align: left; color: #666; font-weight: normal; padding-right: 1rem; vertical-align: top; }
          section.part { border-top: 1px solid #ddd; margin-top: 1rem; padding-top: .6rem; }
          section.part > .type { color: #888; font-size: .8rem; }
          pre { white-space: pre-wrap; font: inherit; margin: .4rem 0; }
          iframe { width: 100%; height: 12rem; border: 1px solid #eee; }
          table.attachments { border-collapse: collapse; margin-top: .4rem; }
          table.attachments td, table.attachments th { border: 1px solid #ddd; padding: .2rem .6rem; text-align: left; }
          table.attachments td.size { text-align: right; font-variant-numeric: tabular-nums; }
          blockquote.message { border-left: 3px solid #ccd; margin: .6rem 0; padding-left: 1rem; }
        </style>
      </head>
      <body>
        <h1 class="subject"><xsl:call-template name="subject"/></h1>
        <xsl:apply-templates select="x:headers" mode="summary"/>
        <xsl:call-template name="content"/>
        <xsl:variable name="attachments" select="$entities[self::x:part or self::x:mime][x:body or x:text or x:external][not(x:multipart or x:message)]"/>
        <h2>Attachments</h2>
        <table class="attachments">
          <thead><tr><th>name</th><th>type</th><th>size (bytes)</th></tr></thead>
          <tbody>
            <xsl:for-each select="$attachments">
              <xsl:if test="(string(x:headers/x:header[translate(@name, $UPPER, $LOWER) = 'content-disposition'][1]/x:media/@value) = 'attachment' or not(starts-with(concat(x:headers/x:header[translate(@name, $UPPER, $LOWER) = 'content-type'][1]/x:media/@value, 'text/'), 'text/')))">
                <tr class="attachment">
                  <td class="name"><xsl:call-template name="filename"/></td>
                  <td class="type"><xsl:call-template name="type"/></td>
                  <td class="size"><xsl:call-template name="size"/></td>
                </tr>
              </xsl:if>
            </xsl:for-each>
          </tbody>
        </table>
      </body>
    </html>
  </xsl:template>

  <!-- The Subject: decoded when it has a view, else its raw value. -->
  <xsl:template name="subject">
    <xsl:variable name="h" select="x:headers/x:header[translate(@name, $UPPER, $LOWER) = 'subject'][1]"/>
    <xsl:choose>
      <xsl:when test="$h/x:decoded"><xsl:value-of select="$h/x:decoded"/></xsl:when>
      <xsl:when test="$h"><xsl:value-of select="normalize-space($h)"/></xsl:when>
      <xsl:otherwise>(no subject)</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="x:headers" mode="summary">
    <table class="headers">
      <xsl:for-each select="x:header[contains(' from sender to cc reply-to date ', concat(' ', translate(@name, $UPPER, $LOWER), ' '))]">
        <tr>
          <th><xsl:value-of select="@name"/></th>
          <td class="{translate(@name, $UPPER, $LOWER)}"><xsl:apply-templates select="." mode="value"/></td>
        </tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <!-- A field's value, from its view where it has one. -->
  <xsl:template match="x:header" mode="value">
    <xsl:choose>
      <xsl:when test="x:mailbox or x:group">
        <xsl:for-each select="x:mailbox | x:group">
          <xsl:if test="position() > 1">, </xsl:if>
          <xsl:apply-templates select="."/>
        </xsl:for-each>
      </xsl:when>
      <xsl:when test="x:date"><xsl:value-of select="x:date"/></xsl:when>
      <xsl:when test="x:decoded"><xsl:value-of select="x:decoded"/></xsl:when>
      <xsl:when test="x:id"><xsl:for-each select="x:id">&lt;<xsl:value-of select="."/>&gt; </xsl:for-each></xsl:when>
      <xsl:when test="x:media"><xsl:value-of select="x:media/@value"/></xsl:when>
      <xsl:when test="x:raw"><xsl:value-of select="x:raw"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="normalize-space(.)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="x:mailbox">
    <xsl:if test="@name"><xsl:value-of select="@name"/><xsl:text> </xsl:text></xsl:if>
    <xsl:text>&lt;</xsl:text><xsl:value-of select="@addr"/><xsl:text>&gt;</xsl:text>
  </xsl:template>

  <xsl:template match="x:group">
    <xsl:value-of select="@name"/>
    <xsl:text>: </xsl:text>
    <xsl:for-each select="x:mailbox">
      <xsl:if test="position() > 1">, </xsl:if>
      <xsl:apply-templates select="."/>
    </xsl:for-each>
    <xsl:text>;</xsl:text>
  </xsl:template>

  <!-- The body of the current entity: text shown, composites walked, attachments left to the table. -->
  <xsl:template name="content">
    <xsl:variable name="type"><xsl:call-template name="type"/></xsl:variable>
    <xsl:variable name="disposition" select="string(x:headers/x:header[translate(@name, $UPPER, $LOWER) = 'content-disposition'][1]/x:media/@value)"/>
    <xsl:choose>
      <xsl:when test="x:multipart">
        <xsl:for-each select="x:multipart/x:part">
          <xsl:call-template name="content"/>
        </xsl:for-each>
      </xsl:when>
      <xsl:when test="x:message">
        <blockquote class="message">
          <xsl:for-each select="x:message">
            <h3><xsl:call-template name="subject"/></h3>
            <xsl:apply-templates select="x:headers" mode="summary"/>
            <xsl:call-template name="content"/>
          </xsl:for-each>
        </blockquote>
      </xsl:when>
      <xsl:when test="$disposition = 'attachment'"/>
      <xsl:when test="$type = 'text/plain' and x:text">
        <section class="part text-plain"><div class="type">text/plain</div><pre><xsl:value-of select="x:text"/></pre></section>
      </xsl:when>
      <xsl:when test="$type = 'text/html' and x:text">
        <!-- sandbox="": no scripts, forms or navigation; the frame cannot reach this page. -->
        <section class="part text-html"><div class="type">text/html</div><iframe sandbox="" srcdoc="{x:text}" title="HTML part"/></section>
      </xsl:when>
      <xsl:when test="starts-with($type, 'text/') and x:body">
        <section class="part text-raw"><div class="type"><xsl:value-of select="$type"/> (kept as bytes)</div><pre><xsl:for-each select="x:body"><xsl:value-of select="."/></xsl:for-each></pre></section>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- The media type, lower case; text/plain when there is none. -->
  <xsl:template name="type">
    <xsl:variable name="t" select="x:headers/x:header[translate(@name, $UPPER, $LOWER) = 'content-type'][1]/x:media/@value"/>
    <xsl:choose>
      <xsl:when test="$t"><xsl:value-of select="$t"/></xsl:when>
      <xsl:when test="x:external/@type"><xsl:value-of select="x:external/@type"/></xsl:when>
      <xsl:otherwise>text/plain</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="filename">
    <xsl:variable name="h" select="x:headers/x:header"/>
    <xsl:variable name="f" select="$h[translate(@name, $UPPER, $LOWER) = 'content-disposition'][1]/x:media/x:param[@name = 'filename']"/>
    <xsl:variable name="n" select="$h[translate(@name, $UPPER, $LOWER) = 'content-type'][1]/x:media/x:param[@name = 'name']"/>
    <xsl:choose>
      <xsl:when test="$f"><xsl:value-of select="$f"/></xsl:when>
      <xsl:when test="$n"><xsl:value-of select="$n"/></xsl:when>
      <xsl:otherwise>(unnamed)</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Size of the body: decoded bytes for base64, else characters (a line break as its line ending's bytes). -->
  <xsl:template name="size">
    <xsl:variable name="cte" select="translate(normalize-space(x:headers/x:header[translate(@name, $UPPER, $LOWER) = 'content-transfer-encoding'][1]), $UPPER, $LOWER)"/>
    <xsl:choose>
      <xsl:when test="x:external"><xsl:value-of select="x:external/@size"/></xsl:when>
      <xsl:when test="x:body and $cte = 'base64'">
        <xsl:variable name="chars"><xsl:call-template name="base64-chars"><xsl:with-param name="pieces" select="x:body"/></xsl:call-template></xsl:variable>
        <xsl:value-of select="floor($chars * 3 div 4)"/>
      </xsl:when>
      <xsl:when test="x:text">
        <xsl:variable name="text-lf-bytes" select="1 + number(x:text/@eol = 'crlf' or (not(x:text/@eol) and $lf-bytes = 2))"/>
        <xsl:value-of select="string-length(x:text) + (string-length(x:text) - string-length(translate(x:text, '&#10;', ''))) * ($text-lf-bytes - 1)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="chars"><xsl:call-template name="chars"><xsl:with-param name="pieces" select="x:body"/></xsl:call-template></xsl:variable>
        <xsl:value-of select="$chars"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Base64 characters (no line breaks, spaces or padding) in a body's pieces (spec §9.7.1), summed recursively. -->
  <xsl:template name="base64-chars">
    <xsl:param name="pieces"/>
    <xsl:param name="sum" select="0"/>
    <xsl:choose>
      <xsl:when test="$pieces">
        <xsl:call-template name="base64-chars">
          <xsl:with-param name="pieces" select="$pieces[position() > 1]"/>
          <xsl:with-param name="sum" select="$sum + string-length(translate($pieces[1], '&#10;&#9; =&#xF70D;', ''))"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$sum"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="chars">
    <xsl:param name="pieces"/>
    <xsl:param name="sum" select="0"/>
    <xsl:choose>
      <xsl:when test="$pieces">
        <xsl:call-template name="chars">
          <xsl:with-param name="pieces" select="$pieces[position() > 1]"/>
          <xsl:with-param name="sum" select="$sum + string-length($pieces[1]) + (string-length($pieces[1]) - string-length(translate($pieces[1], '&#10;', ''))) * ($lf-bytes - 1)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$sum"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
