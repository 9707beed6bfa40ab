<?php
// Marks the sale module installed for Loader::includeModule().
