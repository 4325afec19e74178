/* The format readers, in the order they are tried on a unit's sniffed type: one line per reader.
 * Included twice by scanner/formats/formats.c (to declare each pd_format_NAME, then to build the
 * table); a new format is one file in this folder and one line here. Anything no reader accepts
 * is read as text, or skipped when its type holds no text. */
PD_FORMAT(office)    /* OOXML and ODF packages: office.c (with word_table, workbook...) */
PD_FORMAT(archive)   /* zip, tar, 7z, rar, cab, compressed files: archive.c */
PD_FORMAT(extracted) /* PDF, legacy .doc/.xls through sandboxed Debian tools: extracted.c */
PD_FORMAT(mail)      /* RFC 822 messages and mbox: mail.c */
PD_FORMAT(sqlite)    /* SQLite files, read as databases: scanner/db/sqlite.c */
