<?php
// The main module is always loaded; this file marks it installed for Loader::includeModule().
