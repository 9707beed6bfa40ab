-- Information blocks: the catalogue (products) and the marketplace's shops, linked by an
-- element-type property (PROPERTY_TYPE 'E'). Only the columns the stub reads or writes.
CREATE TABLE b_iblock (
  ID int NOT NULL AUTO_INCREMENT,
  TIMESTAMP_X timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  IBLOCK_TYPE_ID varchar(50) NOT NULL,
  LID char(2) NOT NULL,
  CODE varchar(50) NULL,
  API_CODE varchar(50) NULL,
  NAME varchar(255) NOT NULL,
  ACTIVE char(1) NOT NULL DEFAULT 'Y',
  SORT int NOT NULL DEFAULT 500,
  VERSION int NOT NULL DEFAULT 1,
  PRIMARY KEY (ID),
  KEY ix_iblock (IBLOCK_TYPE_ID, LID, ACTIVE)
);

CREATE TABLE b_iblock_element (
  ID int NOT NULL AUTO_INCREMENT,
  TIMESTAMP_X datetime NULL,
  DATE_CREATE datetime NULL,
  IBLOCK_ID int NOT NULL DEFAULT 0,
  IBLOCK_SECTION_ID int NULL,
  ACTIVE char(1) NOT NULL DEFAULT 'Y',
  SORT int NOT NULL DEFAULT 500,
  NAME varchar(255) NOT NULL,
  CODE varchar(255) NULL,
  XML_ID varchar(255) NULL,
  PREVIEW_TEXT text NULL,
  DETAIL_TEXT longtext NULL,
  PRIMARY KEY (ID),
  KEY ix_iblock_element_1 (IBLOCK_ID, IBLOCK_SECTION_ID),
  KEY ix_iblock_element_code (IBLOCK_ID, CODE)
);

CREATE TABLE b_iblock_property (
  ID int NOT NULL AUTO_INCREMENT,
  TIMESTAMP_X timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  IBLOCK_ID int NOT NULL,
  NAME varchar(255) NOT NULL,
  ACTIVE char(1) NOT NULL DEFAULT 'Y',
  SORT int NOT NULL DEFAULT 500,
  CODE varchar(50) NULL,
  PROPERTY_TYPE char(1) NOT NULL DEFAULT 'S',
  MULTIPLE char(1) NOT NULL DEFAULT 'N',
  LINK_IBLOCK_ID int NULL,
  IS_REQUIRED char(1) NULL,
  USER_TYPE varchar(255) NULL,
  PRIMARY KEY (ID),
  KEY ix_iblock_property_1 (IBLOCK_ID),
  KEY ix_iblock_property_2 (CODE)
);

CREATE TABLE b_iblock_element_property (
  ID int NOT NULL AUTO_INCREMENT,
  IBLOCK_PROPERTY_ID int NOT NULL,
  IBLOCK_ELEMENT_ID int NOT NULL,
  VALUE text NOT NULL,
  VALUE_TYPE char(4) NOT NULL DEFAULT 'text',
  VALUE_ENUM int NULL,
  VALUE_NUM decimal(18,4) NULL,
  DESCRIPTION varchar(255) NULL,
  PRIMARY KEY (ID),
  KEY ix_iblock_element_property_1 (IBLOCK_ELEMENT_ID, IBLOCK_PROPERTY_ID),
  KEY ix_iblock_element_property_2 (IBLOCK_PROPERTY_ID)
);
