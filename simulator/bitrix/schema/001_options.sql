-- Bitrix main module options (column names as in Bitrix 25.x main/install/mysql/install.sql).
CREATE TABLE b_option (
  MODULE_ID varchar(50) NOT NULL,
  NAME varchar(100) NOT NULL,
  VALUE mediumtext NULL,
  DESCRIPTION varchar(255) NULL,
  SITE_ID char(2) NULL,
  PRIMARY KEY (MODULE_ID, NAME)
);

CREATE TABLE b_option_site (
  MODULE_ID varchar(50) NOT NULL,
  NAME varchar(100) NOT NULL,
  SITE_ID char(2) NOT NULL,
  VALUE mediumtext NULL,
  PRIMARY KEY (MODULE_ID, NAME, SITE_ID)
);
