<?php
declare(strict_types=1);

namespace Bitrix\Main;

class LoaderException extends SystemException
{
}
