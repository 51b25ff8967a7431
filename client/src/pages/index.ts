// Every page module registers itself; a capability adds its pages by importing them here.
import './login.ts';
import './home.ts';
import './registry.ts';
import './screen.ts';
import './trace.ts';
import './openness.ts';
import './schedule.ts';
import './studio.ts';
import './live.ts';
import './claims.ts';
import './policyPublish.ts';
import './disclosure.ts';
import './replay.ts';
import './buyer.ts';
import './orderDesk.ts';
